package org.sparsefeat.cli;

import picocli.CommandLine;

/**
 * {@code --rotation-angle} in degrees, 0 < angle <= 180 (docs/method.md, 'Stability'): each point turns by the angle
 * towards a random direction orthogonal to it, so 190 is 170 towards the opposite direction, as likely as the first,
 * and -5 is 5; an angle outside the range would only be a second name for one inside it.
 */
final class RotationAngle implements CommandLine.ITypeConverter<Double> {
    static final double MAX = 180;

    @Override
    public Double convert(String value) {
        double degrees;
        try {
            degrees = Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a number of degrees");
        }
        if (!(degrees > 0 && degrees <= MAX)) {
            throw new CommandLine.TypeConversionException("'" + value + "' is outside 0 < angle <= 180 degrees (a turn"
                    + " towards a random direction: larger or negative angles repeat ones inside)");
        }
        return degrees;
    }
}

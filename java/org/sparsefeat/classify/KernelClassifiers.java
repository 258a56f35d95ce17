package org.sparsefeat.classify;

import libsvm.svm;
import libsvm.svm_model;
import libsvm.svm_node;
import libsvm.svm_parameter;
import libsvm.svm_problem;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.krr.KernelRidge;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.util.InvalidInputException;

/**
 * The kernel baselines of the image experiments (docs/method.md, 'Image experiments'): a support-vector machine on a
 * precomputed Gram matrix (LIBSVM; C = 1e20 is the hard margin, the lazy limit of hinge-loss gradient flow), and kernel
 * ridge(less) regression of the +-1 labels classified by sign. Both return real-valued scores on the test points (the
 * SVM's decision values), so that stability can be measured on them.
 */
public final class KernelClassifiers {
    static {
        svm.svm_set_print_string_function(s -> { });  // LIBSVM prints its iterations otherwise
    }

    private KernelClassifiers() {}

    /** A fitted SVM: scores at new points need their Gram against the training points. */
    public record Svm(svm_model model, Kernel kernel, Matrix xTrain) {
        public double[] scores(Backend backend, Matrix x) {
            Matrix k = backend.gram(kernel, x, xTrain);
            double[] out = new double[x.rows()];
            double[] dec = new double[1];
            for (int i = 0; i < x.rows(); i++) {
                svm.svm_predict_values(model, row(k, i, xTrain.rows()), dec);
                out[i] = model.label[0] == 1 ? dec[0] : -dec[0];  // oriented so that > 0 means +1
            }
            return out;
        }
    }

    /** Trains a C-SVM with the given kernel; labels are +-1. LIBSVM holds the n x n Gram as objects: n <~ 5000. */
    public static Svm svm(Backend backend, Kernel kernel, Matrix x, double[] y, double c) {
        if (!(c > 0)) {
            throw new InvalidInputException("{svm_c} must be > 0, got " + c);
        }
        int n = x.rows();
        Matrix k = backend.gramLower(kernel, x);
        k.mirrorLowerToUpper();
        svm_problem prob = new svm_problem();
        prob.l = n;
        prob.y = y.clone();
        prob.x = new svm_node[n][];
        for (int i = 0; i < n; i++) {
            prob.x[i] = row(k, i, n);
            prob.x[i][0].value = i + 1;  // the precomputed format: node 0 holds the sample's serial number
        }
        svm_parameter p = new svm_parameter();
        p.svm_type = svm_parameter.C_SVC;
        p.kernel_type = svm_parameter.PRECOMPUTED;
        p.C = c;
        p.eps = 1e-3;
        p.cache_size = 256;
        p.shrinking = 1;
        p.probability = 0;
        p.nr_weight = 0;
        p.weight_label = new int[0];
        p.weight = new double[0];
        String error = svm.svm_check_parameter(prob, p);
        if (error != null) {
            throw new IllegalArgumentException("LIBSVM: " + error);
        }
        return new Svm(svm.svm_train(prob, p), kernel, x);
    }

    /** Row i of a Gram matrix in LIBSVM's precomputed format (index 0, then the kernel values 1..n). */
    private static svm_node[] row(Matrix k, int i, int n) {
        svm_node[] r = new svm_node[n + 1];
        r[0] = new svm_node();
        r[0].index = 0;
        for (int j = 0; j < n; j++) {
            r[j + 1] = new svm_node();
            r[j + 1].index = j + 1;
            r[j + 1].value = k.get(i, j);
        }
        return r;
    }

    /** Ridge(less) regression of the labels; its sign classifies. Returns the regression outputs at xTest. */
    public static double[] krrScores(Backend backend, Kernel kernel, double ridge, Matrix x, double[] y, Matrix xTest) {
        return KernelRidge.fit(backend, kernel, ridge, x, y).predict(backend, xTest);
    }
}

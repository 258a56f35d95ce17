/* The vector loops (Gram tiles, teacher, gradient descent) are compiled twice: for AVX2 (SF_VW = 4 doubles, names
 * ending in _v3) and for AVX-512 (SF_VW = 8, _v4). dispatch.c exports the public names and picks a build at run
 * time. The two builds differ only in the width of their lane sums (results agree to ~1e-16 relative). */
#ifndef SF_ISA_H
#define SF_ISA_H

#ifndef SF_VW
#define SF_VW 4
#endif
#ifndef SF_ISA
#define SF_ISA v3
#endif
#define SF_CAT2(a, b) a##_##b
#define SF_CAT(a, b) SF_CAT2(a, b)
#define SF_FN(name) SF_CAT(name, SF_ISA)

#endif

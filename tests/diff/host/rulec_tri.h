/* The three-valued answers and Kleene statements of compiler/bpf/rulec_tri.h: pure C, the real
 * ones. */
#ifndef RULEC_HOST_TRI_H
#define RULEC_HOST_TRI_H

#include "../../../compiler/bpf/rulec_tri.h"

#endif

/* The layout table (sf_layout.h) as gcc lays it out, for the Java host (org.sparsefeat.backend.cpu.NativeLayout). */
#include <stddef.h>
#include "sparsefeat.h"
#include "sf_layout.h"

#define SF_FIELD_ENTRY(f) {"sf_gd_net." #f, (int64_t)offsetof(sf_gd_net, f)},
#define SF_CONST_ENTRY(c) {#c, (int64_t)(c)},

static const struct {
  const char* name;
  int64_t value;
} entries[] = {{"sizeof(sf_gd_net)", (int64_t)sizeof(sf_gd_net)}, SF_LAYOUT_FIELDS(SF_FIELD_ENTRY)
                   SF_LAYOUT_CONSTANTS(SF_CONST_ENTRY)};

/* every field is listed: they are all 8 bytes */
_Static_assert(sizeof(sf_gd_net) == 8 * (0 SF_LAYOUT_FIELDS(SF_LAYOUT_ONE)), "SF_LAYOUT_FIELDS lists every field");
_Static_assert(sizeof entries / sizeof entries[0] == SF_LAYOUT_COUNT, "SF_LAYOUT_COUNT");

int64_t sf_layout_count(void) { return SF_LAYOUT_COUNT; }

const char* sf_layout_name(int64_t i) { return i >= 0 && i < SF_LAYOUT_COUNT ? entries[i].name : NULL; }

int64_t sf_layout_value(int64_t i) { return i >= 0 && i < SF_LAYOUT_COUNT ? entries[i].value : -1; }

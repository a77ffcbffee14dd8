#include <jansson.h>

/* jansson's type test, reference counting and format flags are macros or
   inline functions: expose them as plain functions Swift can call. */
static inline json_type flow_json_typeof(const json_t *json) { return json_typeof(json); }
static inline void flow_json_decref(json_t *json) { json_decref(json); }
static inline json_t *flow_json_incref(json_t *json) { return json_incref(json); }
static inline unsigned int flow_json_indent(unsigned int n) { return JSON_INDENT(n); }
static inline unsigned int flow_json_real_precision(unsigned int n) { return JSON_REAL_PRECISION(n); }

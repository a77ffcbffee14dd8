#include <jansson.h>

/* jansson's type test, reference counting and iteration are macros or inline
   functions Swift cannot always see: expose them as plain functions. */
static inline json_type flow_json_typeof(const json_t *json) { return json_typeof(json); }
static inline void flow_json_decref(json_t *json) { json_decref(json); }
static inline json_t *flow_json_incref(json_t *json) { return json_incref(json); }

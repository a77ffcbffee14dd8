/* The floor for bench/parse: pull every libyaml event of a file and do nothing else. */
#include <stdio.h>
#include <yaml.h>

int main(int argc, char **argv) {
  FILE *file = fopen(argc > 1 ? argv[1] : "/dev/stdin", "rb");
  if (!file) { perror("open"); return 66; }
  yaml_parser_t parser;
  yaml_event_t event;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_file(&parser, file);
  long count = 0;
  for (;;) {
    if (!yaml_parser_parse(&parser, &event)) { fprintf(stderr, "parse error\n"); return 65; }
    int done = event.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&event);
    count++;
    if (done) break;
  }
  yaml_parser_delete(&parser);
  fclose(file);
  printf("%ld\n", count);
  return 0;
}

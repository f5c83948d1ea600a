/*
 * Runs clickhouse-local from libchdb.so with this program's command line, and exits non-zero with ClickHouse's
 * error text on stderr if the query fails. argv[0] is ignored by ClickHouse, as by any command line parser.
 */
#include <stdio.h>

void *chdb_query_cmdline(int argc, char **argv);
const char *chdb_result_error(void *result);

int main(int argc, char **argv) {
    void *result = chdb_query_cmdline(argc, argv);
    const char *error = result ? chdb_result_error(result) : "libchdb returned no result";
    if (error && *error) {
        fprintf(stderr, "%s\n", error);
        return 1;
    }
    return 0;
}

/* Allocates and touches N MiB, then sleeps: the smallest target whose memory need is known exactly.
   usage: alloc <MiB> <hold-seconds> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: alloc <MiB> <hold-seconds>\n");
        return 2;
    }
    size_t mib = strtoul(argv[1], NULL, 10);
    int hold = atoi(argv[2]);
    for (size_t i = 0; i < mib; i++) {
        char *block = malloc(1 << 20);
        if (block == NULL) {
            fprintf(stderr, "malloc failed after %zu MiB\n", i);
            return 1;
        }
        memset(block, 1, 1 << 20);
    }
    printf("allocated %zu MiB\n", mib);
    fflush(stdout);
    sleep(hold);
    return 0;
}

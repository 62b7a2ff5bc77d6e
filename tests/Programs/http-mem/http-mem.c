/* A tiny HTTP/1.1 keep-alive server whose memory follows a known rule, for the soak and curve tests.
   usage: http-mem <port> leak <bytes>       every request touches <bytes> more of a static arena and keeps it
          http-mem <port> per-conn <bytes>   every open connection holds a touched buffer of <bytes>, freed on close
   Any request is answered 200 "ok". One thread, poll(2), up to 4096 connections. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FDS 4096
#define ARENA (1024L * 1024 * 1024)

static char arena[ARENA]; /* bss: charged only as it is touched */
static long touched;

struct conn { char buf[1024]; size_t len; char *held; };

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: http-mem <port> leak|per-conn <bytes>\n");
        return 2;
    }
    int port = atoi(argv[1]);
    int leak = strcmp(argv[2], "leak") == 0;
    long bytes = atol(argv[3]);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 1024) != 0) {
        perror("bind/listen");
        return 1;
    }
    static struct pollfd fds[MAX_FDS];
    static struct conn *conns[MAX_FDS];
    int n = 1;
    fds[0].fd = listener;
    fds[0].events = POLLIN;
    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok";
    for (;;) {
        if (poll(fds, n, -1) < 0 && errno != EINTR) {
            perror("poll");
            return 1;
        }
        if ((fds[0].revents & POLLIN) && n < MAX_FDS) {
            int fd = accept(listener, NULL, NULL);
            if (fd >= 0) {
                struct conn *c = calloc(1, sizeof *c);
                if (!leak) {
                    c->held = malloc(bytes);
                    memset(c->held, 1, bytes);
                }
                fds[n].fd = fd;
                fds[n].events = POLLIN;
                fds[n].revents = 0;
                conns[n++] = c;
            }
        }
        for (int i = 1; i < n; i++) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }
            struct conn *c = conns[i];
            ssize_t got = read(fds[i].fd, c->buf + c->len, sizeof c->buf - c->len - 1);
            if (got > 0) {
                c->len += got;
                c->buf[c->len] = 0;
                char *end;
                while ((end = strstr(c->buf, "\r\n\r\n")) != NULL) {
                    if (leak && touched + bytes <= ARENA) {
                        memset(arena + touched, 1, bytes);
                        touched += bytes;
                    }
                    if (write(fds[i].fd, reply, sizeof reply - 1) < 0) {
                        break;
                    }
                    size_t used = end + 4 - c->buf;
                    memmove(c->buf, end + 4, c->len - used + 1);
                    c->len -= used;
                }
                if (c->len < sizeof c->buf - 1) {
                    continue;
                }
            }
            close(fds[i].fd);
            free(c->held);
            free(c);
            fds[i] = fds[n - 1];
            conns[i] = conns[n - 1];
            n--;
            i--;
        }
    }
}

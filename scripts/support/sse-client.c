/* A lean SSE subscriber swarm for scripts/bench-sse: opens N connections to
 * one event stream, reads them all from one epoll loop, and prints one line
 * per received event:
 *
 *     <subscriber> <receive time, unix seconds> <event block, newlines as |>
 *
 * A connection is done at `event: end` or EOF; the program exits when all
 * are. It exists so that the benchmark's client costs a few percent of a
 * core instead of the one an asyncio client needs for 25k events a second:
 * the delays measured are then the server's, not the client's queue. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    int fd;
    int done;
    size_t length;
    char buffer[1 << 16];
} Conn;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* Emits every complete block ("...\n\n") in the buffer; returns 1 at `end`. */
static int drain(Conn *c, int index, double received, FILE *out) {
    int ended = 0;
    char *start = c->buffer, *limit = c->buffer + c->length, *mark;
    while ((mark = memmem(start, limit - start, "\n\n", 2)) != NULL) {
        fprintf(out, "%d %.6f ", index, received);
        for (char *p = start; p < mark; p++) fputc(*p == '\n' ? '|' : *p, out);
        fputc('\n', out);
        if (memmem(start, mark - start, "event: end", 10) != NULL) ended = 1;
        start = mark + 2;
    }
    c->length = limit - start;
    memmove(c->buffer, start, c->length);
    return ended;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: sse-client PORT PATH SUBSCRIBERS\n");
        return 2;
    }
    int port = atoi(argv[1]), count = atoi(argv[3]);
    const char *path = argv[2];
    Conn *conns = calloc(count, sizeof(Conn));
    int epoll = epoll_create1(0);
    char request[4096];
    int requestLength = snprintf(request, sizeof request,
                                 "GET %s HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n", path);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    for (int i = 0; i < count; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
            perror("connect");
            return 1;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (write(fd, request, requestLength) != requestLength) {
            perror("write");
            return 1;
        }
        conns[i].fd = fd;
        struct epoll_event interest = {.events = EPOLLIN, .data.u32 = (unsigned)i};
        epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &interest);
    }
    fprintf(stderr, "connected %d\n", count);
    setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    int open = count;
    struct epoll_event ready[256];
    while (open > 0) {
        int n = epoll_wait(epoll, ready, 256, 120000);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            fprintf(stderr, "timed out with %d streams open\n", open);
            return 1;
        }
        double received = now();
        for (int k = 0; k < n; k++) {
            int i = (int)ready[k].data.u32;
            Conn *c = &conns[i];
            ssize_t got = read(c->fd, c->buffer + c->length, sizeof c->buffer - c->length);
            int ended = got <= 0;
            if (got > 0) {
                c->length += (size_t)got;
                ended = drain(c, i, received, stdout);
            }
            if (ended && !c->done) {
                c->done = 1;
                open--;
                epoll_ctl(epoll, EPOLL_CTL_DEL, c->fd, NULL);
                close(c->fd);
            }
        }
    }
    fflush(stdout);
    return 0;
}

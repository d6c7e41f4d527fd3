/* statuscli.c: `myshift status`: asks the running process's listener for /status and prints it. */
#include "src/statuscli.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "proto/sbuf.h"

/* Split "host:port" (IPv6 as [addr]:port); false if malformed. */
static bool
split_listen(const char *listen, char *host, size_t hlen, char *port, size_t plen)
{
	const char *colon = strrchr(listen, ':');
	const char *h = listen;
	size_t n;

	if (colon == NULL || colon[1] == '\0')
		return false;
	n = (size_t)(colon - listen);
	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		h++;
		n -= 2;
	}
	if (n == 0 || n >= hlen || strlen(colon + 1) >= plen)
		return false;
	memcpy(host, h, n);
	host[n] = '\0';
	snprintf(port, plen, "%s", colon + 1);
	return true;
}

bool
statuscli_http(const char *listen, const char *method, const char *path, struct sbuf *body,
    int *code, char *err, size_t errlen)
{
	char host[256], port[16], buf[8192];
	struct addrinfo hints, *res = NULL, *ai;
	struct sbuf all = { 0 };
	int fd = -1, rc;
	const char *sep;

	if (!split_listen(listen, host, sizeof(host), port, sizeof(port))) {
		snprintf(err, errlen, "[status] listen '%s' is not host:port", listen);
		return false;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", listen, gai_strerror(rc));
		return false;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errlen, "nothing answers on %s ([status] listen): is myshift run "
		    "running with this configuration? (%s)", listen, strerror(errno));
		return false;
	}
	snprintf(buf, sizeof(buf), "%s %s HTTP/1.0\r\nHost: %s\r\nContent-Length: 0\r\n\r\n",
	    method, path, host);
	if (write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf)) {
		snprintf(err, errlen, "%s: cannot send the request: %s", listen, strerror(errno));
		close(fd);
		return false;
	}
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		if (poll(&p, 1, 10000) <= 0) {
			snprintf(err, errlen, "%s: no answer within 10 s", listen);
			close(fd);
			sbuf_free(&all);
			return false;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", listen, strerror(errno));
			close(fd);
			sbuf_free(&all);
			return false;
		}
		if (n == 0)
			break;
		sbuf_add(&all, buf, (size_t)n);
	}
	close(fd);
	sbuf_addc(&all, '\0');
	if (all.oom) {
		snprintf(err, errlen, "out of memory");
		sbuf_free(&all);
		return false;
	}
	if (strncmp(all.p, "HTTP/1.", 7) != 0 || all.len < 13 ||
	    (sep = strstr(all.p, "\r\n\r\n")) == NULL) {
		snprintf(err, errlen, "%s: unexpected answer: %.80s", listen, all.p);
		sbuf_free(&all);
		return false;
	}
	*code = atoi(all.p + 9);
	sbuf_adds(body, sep + 4);
	sbuf_free(&all);
	return !body->oom;
}

/*
 * Print a JSON document as indented "key: value" lines.  It is myshift's
 * own /status, so a small walker does: strings are printed without their
 * quotes and escapes are kept as they are.
 */
static void
print_json(FILE *out, const char *j)
{
	int depth = 0;
	bool in_array[32] = { false };
	bool line_open = false;

	for (const char *p = j; *p; p++) {
		switch (*p) {
		case '{':
		case '[':
			if (line_open)
				fputc('\n', out);
			line_open = false;
			if (depth < 31)
				in_array[++depth] = *p == '[';
			break;
		case '}':
		case ']':
			if (depth > 0)
				depth--;
			break;
		case ',':
			if (line_open)
				fputc('\n', out);
			line_open = false;
			break;
		case ' ':
		case '\n':
		case '\t':
		case '\r':
			break;
		case ':':
			fputs(": ", out);
			break;
		default:
			if (!line_open) {
				for (int i = 1; i < depth; i++)
					fputs("  ", out);
				if (in_array[depth])
					fputs("- ", out);
				line_open = true;
			}
			if (*p == '"') {
				for (p++; *p && *p != '"'; p++) {
					if (*p == '\\' && p[1])
						fputc(*p++, out);
					fputc(*p, out);
				}
				if (*p == '\0')
					p--;
			} else
				fputc(*p, out);
			break;
		}
	}
	if (line_open)
		fputc('\n', out);
}

int
statuscli_run(const struct cfg *c, bool json, bool metrics, FILE *out)
{
	struct sbuf body = { 0 };
	char err[512];
	int code = 0;

	if (c->status_listen == NULL || c->status_listen[0] == '\0') {
		fprintf(stderr, "myshift: %s: [status] listen is not set: myshift run serves "
		    "its status only when it is (e.g. listen = 127.0.0.1:9104)\n", c->path);
		return 2;
	}
	if (!statuscli_http(c->status_listen, "GET", metrics ? "/metrics" : "/status", &body,
	    &code, err, sizeof(err)) || code != 200) {
		if (code != 0)
			fprintf(stderr, "myshift: %s: HTTP %d\n", c->status_listen, code);
		else
			fprintf(stderr, "myshift: %s\n", err);
		sbuf_free(&body);
		return 1;
	}
	sbuf_addc(&body, '\0');
	if (json || metrics)
		fputs(body.p, out);
	else
		print_json(out, body.p);
	sbuf_free(&body);
	return 0;
}

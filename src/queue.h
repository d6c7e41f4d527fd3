/* queue.h: the byte-bounded queue between the reader (loop thread) and the applier thread. */
#ifndef SRC_QUEUE_H
#define SRC_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum qitem_kind {
	QI_START,   /* a (re)connection: data[0] = checksum algorithm */
	QI_EVENT,   /* one raw binlog event */
	QI_COMMIT,  /* the group so far is complete: pos, data = "file\0gtid" */
	QI_DISCARD, /* events since the last QI_COMMIT are void */
	QI_END,     /* the stream is over: pos = status, data = message */
};

struct qitem {
	struct qitem *next;
	enum qitem_kind kind;
	uint64_t pos;
	uint64_t t_us;   /* QI_COMMIT: when it arrived (CLOCK_REALTIME, microseconds) */
	uint32_t len;
	uint8_t data[];
};

struct queue;

/* A queue holding at most max_bytes of item data (one item may exceed it alone). */
struct queue *queue_new(size_t max_bytes);
void queue_free(struct queue *q);

/* A new item with room for len bytes (NULL on out of memory). */
struct qitem *qitem_new(enum qitem_kind kind, uint64_t pos, const void *data,
    size_t len);

/*
 * Producer: append unless the queue is full (false: keep it and try after
 * on_space fires). Never blocks.
 */
bool queue_try_push(struct queue *q, struct qitem *it);
/* Producer: append even when full (control items that must not wait). */
void queue_push_force(struct queue *q, struct qitem *it);
/* Called (from the consumer's thread) when a full queue drains below half. */
void queue_set_on_space(struct queue *q, void (*fn)(void *), void *arg);

/*
 * Consumer: the next item, waiting up to timeout_ms (-1 forever); NULL on
 * timeout. The caller frees it with free().
 */
struct qitem *queue_pop(struct queue *q, int timeout_ms);
/* Consumer: whether an item is waiting. */
bool queue_ready(struct queue *q);

size_t queue_bytes(struct queue *q);

#endif

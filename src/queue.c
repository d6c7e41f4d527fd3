/* queue.c: a mutex and condition variable around a singly linked list with a byte budget. */
#include "src/queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct queue {
	pthread_mutex_t lock;
	pthread_cond_t nonempty;
	struct qitem *head, *tail;
	size_t bytes, max_bytes;
	bool was_full;
	size_t unsignalled;   /* bytes of events appended since the last wakeup */
	void (*on_space)(void *);
	void *on_space_arg;
};

/* Events of this many bytes wake the consumer without a QI_COMMIT. */
#define WAKE_BYTES (256 * 1024)

struct queue *
queue_new(size_t max_bytes)
{
	struct queue *q = calloc(1, sizeof(*q));

	if (q == NULL)
		return NULL;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->nonempty, NULL);
	q->max_bytes = max_bytes;
	return q;
}

void
queue_free(struct queue *q)
{
	struct qitem *it, *next;

	if (q == NULL)
		return;
	for (it = q->head; it != NULL; it = next) {
		next = it->next;
		free(it);
	}
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->nonempty);
	free(q);
}

struct qitem *
qitem_new(enum qitem_kind kind, uint64_t pos, const void *data, size_t len)
{
	struct qitem *it = malloc(sizeof(*it) + len + 1);

	if (it == NULL)
		return NULL;
	it->next = NULL;
	it->kind = kind;
	it->pos = pos;
	it->t_us = 0;
	it->len = (uint32_t)len;
	if (len)
		memcpy(it->data, data, len);
	it->data[len] = 0;
	return it;
}

static void
append(struct queue *q, struct qitem *it)
{
	if (q->tail != NULL)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	q->bytes += it->len;
	q->unsignalled += it->len;
	/*
	 * The consumer holds a transaction's events until its QI_COMMIT: it
	 * is woken for every other item, and for events only once they add up
	 * to a size worth handling (a transaction too big to hold), not for
	 * each one.
	 */
	if (it->kind != QI_EVENT || q->unsignalled >= WAKE_BYTES ||
	    q->unsignalled >= q->max_bytes / 4) {
		q->unsignalled = 0;
		pthread_cond_signal(&q->nonempty);
	}
}

bool
queue_try_push(struct queue *q, struct qitem *it)
{
	bool ok;

	pthread_mutex_lock(&q->lock);
	ok = q->bytes == 0 || q->bytes + it->len <= q->max_bytes;
	if (ok)
		append(q, it);
	else
		q->was_full = true;
	pthread_mutex_unlock(&q->lock);
	return ok;
}

void
queue_push_force(struct queue *q, struct qitem *it)
{
	pthread_mutex_lock(&q->lock);
	append(q, it);
	pthread_mutex_unlock(&q->lock);
}

void
queue_set_on_space(struct queue *q, void (*fn)(void *), void *arg)
{
	pthread_mutex_lock(&q->lock);
	q->on_space = fn;
	q->on_space_arg = arg;
	pthread_mutex_unlock(&q->lock);
}

struct qitem *
queue_pop(struct queue *q, int timeout_ms)
{
	struct qitem *it;
	struct timespec ts;
	bool notify = false;

	pthread_mutex_lock(&q->lock);
	if (q->head == NULL && timeout_ms != 0) {
		if (timeout_ms < 0) {
			while (q->head == NULL)
				pthread_cond_wait(&q->nonempty, &q->lock);
		} else {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += timeout_ms / 1000;
			ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			while (q->head == NULL &&
			    pthread_cond_timedwait(&q->nonempty, &q->lock, &ts) != ETIMEDOUT)
				;
		}
	}
	it = q->head;
	if (it != NULL) {
		q->head = it->next;
		if (q->head == NULL)
			q->tail = NULL;
		q->bytes -= it->len;
		it->next = NULL;
		if (q->was_full && q->bytes <= q->max_bytes / 2) {
			q->was_full = false;
			notify = q->on_space != NULL;
		}
	}
	pthread_mutex_unlock(&q->lock);
	if (notify)
		q->on_space(q->on_space_arg);
	return it;
}

bool
queue_ready(struct queue *q)
{
	bool r;

	pthread_mutex_lock(&q->lock);
	r = q->head != NULL;
	pthread_mutex_unlock(&q->lock);
	return r;
}

size_t
queue_bytes(struct queue *q)
{
	size_t n;

	pthread_mutex_lock(&q->lock);
	n = q->bytes;
	pthread_mutex_unlock(&q->lock);
	return n;
}

/* libsockact; see sockact.h. A thin layer over control_call(). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "sockact.h"
#include "util.h"
#include "value.h"

/* One request to DIR/fds; a reply with an error code becomes that -errno. */
static int call(const char *runtime_dir, enum control_verb verb, const char *payload, size_t len,
                const int *fds, size_t n_fds, uint64_t timeout_usec, struct control_reply *ret)
{
        _cleanup_free_ char *dir = NULL;
        int r;

        if (!runtime_dir) {
                r = control_default_runtime_dir(&dir);
                if (r < 0)
                        return r;
                runtime_dir = dir;
        }
        r = control_call(runtime_dir, CONTROL_FDS_SOCKET, verb, payload, len, fds, n_fds, timeout_usec, ret);
        if (r < 0)
                return r;
        if (ret->code != 0) {
                r = -ret->code;
                control_reply_done(ret);
                return r;
        }
        return 0;
}

static int append_name(char **buf, size_t *len, const char *name)
{
        return value_fd_name_is_valid(name) ? control_append(buf, len, "name", name) : -EINVAL;
}

/* The "name=" of each record of a fetch reply, one per fd, as one allocation: the array, then the strings.
 */
static int reply_names(struct control_reply *reply, char ***ret)
{
        _cleanup_free_ char **values = calloc(reply->n_fds + 1, sizeof(char *));
        size_t n = 0, bytes = 0;
        char *cursor = reply->payload, *key, *value, **names, *text;
        int r = 0;

        if (!values)
                return -ENOMEM;
        while (*cursor && r >= 0)
                while ((r = control_next_field(&cursor, &key, &value)) > 0)
                        if (streq(key, "name")) {
                                if (n == reply->n_fds)
                                        return -EBADMSG;
                                values[n++] = value;
                                bytes += strlen(value) + 1;
                        }
        if (r < 0 || n != reply->n_fds)
                return -EBADMSG;
        names = malloc((n + 1) * sizeof(char *) + bytes);
        if (!names)
                return -ENOMEM;
        text = (char *) (names + n + 1);
        for (size_t i = 0; i < n; i++) {
                names[i] = strcpy(text, values[i]);
                text += strlen(values[i]) + 1;
        }
        names[n] = NULL;
        *ret = names;
        return 0;
}

int sockact_fetch(const char *runtime_dir, const char *const *names, size_t n_names, uint64_t timeout_usec,
                  int **ret_fds, char ***ret_names, size_t *ret_n)
{
        struct control_reply reply = { 0 };
        _cleanup_free_ char *payload = NULL;
        char **fd_names;
        size_t len = 0;
        int r = 0;

        if (n_names == 0)
                return -EINVAL;
        if (n_names > CONTROL_FDS_MAX)
                return -E2BIG;
        for (size_t i = 0; i < n_names && r >= 0; i++)
                r = append_name(&payload, &len, names[i]);
        if (r >= 0)
                r = call(runtime_dir, CONTROL_FETCH, payload, len, NULL, 0, timeout_usec, &reply);
        if (r < 0)
                return r;
        r = reply_names(&reply, &fd_names);
        if (r < 0) {
                control_reply_done(&reply);
                return r;
        }
        *ret_fds = TAKE_PTR(reply.fds);
        *ret_n = reply.n_fds;
        *ret_names = fd_names;
        reply.n_fds = 0;
        control_reply_done(&reply);
        return 0;
}

int sockact_store(const char *runtime_dir, const char *name, const int *fds, size_t n_fds, uint64_t ttl_usec,
                  uint64_t timeout_usec)
{
        struct control_reply reply = { 0 };
        _cleanup_free_ char *payload = NULL;
        char ttl[24];
        size_t len = 0;
        int r;

        if (n_fds == 0 || n_fds > SOCKACT_STORE_FDS_MAX)
                return -EINVAL;
        snprintf(ttl, sizeof(ttl), "%" PRIu64, ttl_usec);
        r = append_name(&payload, &len, name);
        if (r >= 0)
                r = control_append(&payload, &len, "ttl", ttl);
        if (r >= 0)
                r = call(runtime_dir, CONTROL_STORE, payload, len, fds, n_fds, timeout_usec, &reply);
        if (r >= 0)
                control_reply_done(&reply);
        return r;
}

int sockact_remove(const char *runtime_dir, const char *name, uint64_t timeout_usec)
{
        struct control_reply reply = { 0 };
        _cleanup_free_ char *payload = NULL;
        size_t len = 0;
        int r = append_name(&payload, &len, name);

        if (r >= 0)
                r = call(runtime_dir, CONTROL_REMOVE, payload, len, NULL, 0, timeout_usec, &reply);
        if (r >= 0)
                control_reply_done(&reply);
        return r;
}

/* See control.h. */
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "runtime.h"
#include "util.h"

int wpar_control_open(const char *name, struct wpar_control *c, wpar_error_t *err)
{
	*c = (struct wpar_control){.lock_fd = -1, .listen_fd = -1};
	cleanup_free char *dir = wpar_runtime_dir(name);
	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	cleanup_free char *lock = wpar_runtime_path(name, "monitor.lock");
	c->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (c->lock_fd < 0 || flock(c->lock_fd, LOCK_EX | LOCK_NB) < 0)
		return wpar_error_errno(err, "another monitor runs workload partition %s", name);
	cleanup_free char *path = wpar_runtime_path(name, "monitor.sock");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path))
		return wpar_error_input(err, "%s: path too long for a socket", path);
	strcpy(sa.sun_path, path);
	unlink(path);
	c->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->listen_fd < 0 || bind(c->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0600) < 0 || listen(c->listen_fd, 8) < 0)
		return wpar_error_errno(err, "cannot listen on %s", path);
	return 0;
}

void wpar_control_release_clients(struct wpar_control *c)
{
	for (size_t i = 0; i < c->n_clients; i++)
		close(c->clients[i]);
	c->n_clients = 0;
}

void wpar_control_close(struct wpar_control *c)
{
	wpar_control_release_clients(c);
	if (c->listen_fd >= 0)
		close(c->listen_fd);
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	c->listen_fd = c->lock_fd = -1;
}

int wpar_control_accept(struct wpar_control *c, pid_t init_pid, long *timeout, bool *force)
{
	int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return 0;
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0) {
		close(fd);
		return 0;
	}
	buf[n] = '\0';
	if (strncmp(buf, "status", 6) == 0) {
		char reply[64];
		int k = snprintf(reply, sizeof(reply), "ok %d", (int)init_pid);
		send(fd, reply, (size_t)k, MSG_NOSIGNAL);
		close(fd);
		return 0;
	}
	long t = 600;
	int f = 0;
	if (sscanf(buf, "stop %ld %d", &t, &f) < 1 || c->n_clients == WPAR_CONTROL_MAX_CLIENTS) {
		send(fd, "err bad request", 15, MSG_NOSIGNAL);
		close(fd);
		return 0;
	}
	c->clients[c->n_clients++] = fd;
	*timeout = t;
	*force = f != 0;
	return 1;
}

void wpar_control_reply(struct wpar_control *c, const char *kind, const char *text)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "%s %s", kind, text);
	for (size_t i = 0; i < c->n_clients; i++)
		if (send(c->clients[i], line, (size_t)n, MSG_NOSIGNAL) < 0) {
			/* that stopwpar is gone; the stop goes on */
		}
}

#include "paths.h"

#include <stdlib.h>

#include "util.h"

static const char *env_or(const char *var, const char *def)
{
	const char *v = getenv(var);
	return (v != NULL && v[0] == '/') ? v : def;
}

const struct wpar_paths *wpar_paths(void)
{
	static struct wpar_paths p;
	static int ready;
	if (!ready) {
		p.confdir = env_or("WPAR_CONFDIR", "/etc/wpars");
		p.statedir = env_or("WPAR_STATEDIR", "/var/lib/wpar");
		p.rundir = env_or("WPAR_RUNDIR", "/run/wpar");
		p.basedir = env_or("WPAR_BASEDIR", "/wpars");
		p.logdir = env_or("WPAR_LOGDIR", "/var/log/wpar");
		ready = 1;
	}
	return &p;
}

char *wpar_path_spec(const char *name)
{
	return xasprintf("%s/%s.cf", wpar_paths()->confdir, name);
}

char *wpar_path_statedir(const char *name)
{
	return xasprintf("%s/wpars/%s", wpar_paths()->statedir, name);
}

char *wpar_path_state(const char *name)
{
	return xasprintf("%s/wpars/%s/state", wpar_paths()->statedir, name);
}

char *wpar_path_lock(const char *name)
{
	return xasprintf("%s/locks/%s.lock", wpar_paths()->rundir, name);
}

char *wpar_path_default_root(const char *name)
{
	return xasprintf("%s/%s", wpar_paths()->basedir, name);
}

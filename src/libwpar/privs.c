/* The WPAR privilege set (privs.h, docs/mapping-security.md). */
#include "privs.h"
#include "userns.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include "confine.h"
#include "util.h"

#define BIT(c) (UINT64_C(1) << (c))

/* Capabilities no WPAR may have, whatever its definition says: each use
 * of them acts on the host (or the seccomp filter refuses every call they
 * would allow, so granting them would only mislead). */
static const struct {
	int cap;
	const char *why;
} never[] = {
    {CAP_SYS_ADMIN, "mounts, namespaces and most of the kernel: it would undo every other rule"},
    {CAP_SYS_MODULE, "kernel modules are the host's"},
    {CAP_SYS_RAWIO, "I/O ports and raw device access reach the host's hardware"},
    {CAP_SYS_TIME, "the clock is the host's"},
    {CAP_SYS_PACCT, "process accounting is host-wide"},
    {CAP_SYSLOG, "the kernel log is the host's"},
    {CAP_AUDIT_CONTROL, "audit rules and login uids are host-wide"},
    {CAP_AUDIT_READ, "the audit stream is the host's"},
    {CAP_MAC_ADMIN, "the host's security module policy"},
    {CAP_MAC_OVERRIDE, "the host's security module policy"},
    {CAP_WAKE_ALARM, "the host's power management"},
    {CAP_BLOCK_SUSPEND, "the host's power management"},
    {CAP_BPF, "BPF programs and maps act on the whole host"},
    {CAP_PERFMON, "performance monitoring observes the whole host"},
    {CAP_CHECKPOINT_RESTORE, "checkpoint and restart are done by CRIU from the host"},
};

/* What an application WPAR does without, compared with a system WPAR:
 * it runs on the host's own file systems (file capabilities set there
 * would outlive it), has no system to halt and no jails to build. */
static const int app_without[] = {CAP_SETFCAP, CAP_SYS_CHROOT, CAP_SYS_BOOT, CAP_LEASE};

/* AIX privileges with a Linux meaning.  `caps` 0: never in a WPAR. */
static const struct {
	const char *name;
	uint64_t caps;
} pv_map[] = {
    {"PV_DAC_", BIT(CAP_DAC_OVERRIDE) | BIT(CAP_DAC_READ_SEARCH) | BIT(CAP_FOWNER)},
    {"PV_DAC_O", BIT(CAP_FOWNER)},
    {"PV_DAC_R", BIT(CAP_DAC_READ_SEARCH)},
    {"PV_DAC_W", BIT(CAP_DAC_OVERRIDE)},
    {"PV_DAC_X", BIT(CAP_DAC_OVERRIDE)},
    {"PV_FS_CHOWN", BIT(CAP_CHOWN)},
    {"PV_FS_CHROOT", BIT(CAP_SYS_CHROOT)},
    {"PV_FS_MKNOD", BIT(CAP_MKNOD)},
    {"PV_FS_MOUNT", BIT(CAP_SYS_ADMIN)},
    {"PV_PROC_SIG", BIT(CAP_KILL)},
    {"PV_PROC_PRIV", BIT(CAP_SETPCAP)},
    {"PV_PROC_PRIO", BIT(CAP_SYS_NICE)},
    {"PV_PROC_RAC", BIT(CAP_SYS_RESOURCE)},
    {"PV_KER_RAC", BIT(CAP_SYS_RESOURCE)},
    {"PV_KER_REBOOT", BIT(CAP_SYS_BOOT)},
    {"PV_KER_ACCT", BIT(CAP_SYS_PACCT)},
    {"PV_KER_EXTCONF", BIT(CAP_SYS_MODULE)},
    {"PV_KER_TIME", BIT(CAP_SYS_TIME)},
    {"PV_KER_VARS", BIT(CAP_SYS_ADMIN)},
    {"PV_KER_WLM", 0},
    {"PV_KER_WPAR", 0},
    {"PV_KER_DR", 0},
    {"PV_DEV_LOAD", BIT(CAP_SYS_MODULE)},
    {"PV_SU_", BIT(CAP_SETUID) | BIT(CAP_SETGID)},
    {"PV_SU_UID", BIT(CAP_SETUID) | BIT(CAP_SETGID)},
    {"PV_NET_", BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_NET_ADMIN) | BIT(CAP_NET_RAW)},
    {"PV_NET_PORT", BIT(CAP_NET_BIND_SERVICE)},
    {"PV_NET_CNTL", BIT(CAP_NET_ADMIN)},
    {"PV_NET_RAWSOCK", BIT(CAP_NET_RAW)},
    {"PV_AU_WRITE", BIT(CAP_AUDIT_WRITE)},
    {"PV_AU_ADMIN", BIT(CAP_AUDIT_CONTROL) | BIT(CAP_AUDIT_WRITE)},
};

uint64_t wpar_privs_default(enum wpar_type type)
{
	uint64_t mask = wpar_confine_baseline_mask();
	if (type == WPAR_APPLICATION)
		for (size_t i = 0; i < ARRAY_SIZE(app_without); i++)
			mask &= ~BIT(app_without[i]);
	return mask;
}

static const char *never_why(int cap)
{
	for (size_t i = 0; i < ARRAY_SIZE(never); i++)
		if (never[i].cap == cap)
			return never[i].why;
	return NULL;
}

static char *cap_upper_name(int cap)
{
	char *name = cap_to_name((cap_value_t)cap);
	char *up = xasprintf("%s", name ? name : "?");
	cap_free(name);
	for (char *p = up; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return up;
}

/* A capability name: "CAP_CHOWN", "cap_chown" or "chown". */
static int cap_of(const char *word, int *cap)
{
	cleanup_free char *lower = xstrdup(word);
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	cleanup_free char *full =
	    strncmp(lower, "cap_", 4) == 0 ? xstrdup(lower) : xasprintf("cap_%s", lower);
	cap_value_t v;
	/* cap_from_name also takes numbers: only names are names here. */
	if (isdigit((unsigned char)full[4]) || cap_from_name(full, &v) < 0 || v < 0 || v > 63)
		return -1;
	*cap = (int)v;
	return 0;
}

static int check_grantable(uint64_t caps, const char *what, const char *word, wpar_error_t *err)
{
	for (int c = 0; c < 64; c++) {
		const char *why = (caps & BIT(c)) ? never_why(c) : NULL;
		if (why == NULL)
			continue;
		cleanup_free char *name = cap_upper_name(c);
		if (strcmp(name, word) == 0 || strncmp(word, "PV_", 3) != 0)
			return wpar_error_input(
			    err, "%s: %s cannot be given to a workload partition: %s", what, name,
			    why);
		return wpar_error_input(err,
					"%s: %s needs %s, which cannot be given to a workload "
					"partition: %s",
					what, word, name, why);
	}
	return 0;
}

/* `strict` (a command's -S): every name must mean something here.
 * Otherwise (a definition, possibly an AIX spec file listing AIX's whole
 * default set) AIX names without a Linux meaning, and those that would
 * need a capability no WPAR gets, give nothing. */
static int word_caps(const char *word, const char *what, bool strict, uint64_t *caps,
		     wpar_error_t *err)
{
	*caps = 0;
	if (strncmp(word, "PV_", 3) == 0) {
		for (size_t i = 0; i < ARRAY_SIZE(pv_map); i++) {
			if (strcmp(pv_map[i].name, word) != 0)
				continue;
			if (!strict && check_grantable(pv_map[i].caps, what, word, NULL) < 0)
				return 0;
			if (pv_map[i].caps == 0 && strict)
				return wpar_error_input(err,
							"%s: %s is never given inside a workload "
							"partition",
							what, word);
			*caps = pv_map[i].caps;
			return check_grantable(*caps, what, word, err);
		}
		if (!strict)
			return 0;
		return wpar_error_input(err,
					"%s: %s has no Linux equivalent (privileges are Linux "
					"capability names, or the AIX names listed in lswpar(8))",
					what, word);
	}
	int cap;
	if (cap_of(word, &cap) < 0)
		return wpar_error_input(err, "%s: unknown privilege %s", what, word);
	*caps = BIT(cap);
	return check_grantable(*caps, what, word, err);
}

int wpar_privs_parse(const char *list, const char *what, bool strict, uint64_t *mask,
		     wpar_error_t *err)
{
	uint64_t m = 0;
	cleanup_free char *copy = xstrdup(list);
	/* Comments first: a '#' hides the rest of its line. */
	for (char *p = copy; (p = strchr(p, '#'));) {
		size_t n = strcspn(p, "\n");
		memset(p, ' ', n);
		p += n;
	}
	char *save = NULL;
	for (char *w = strtok_r(copy, ", \t\n\r", &save); w;
	     w = strtok_r(NULL, ", \t\n\r", &save)) {
		uint64_t caps = 0;
		/* "none": the empty set (an empty value would mean "unset"). */
		if (strcasecmp(w, "none") != 0 && word_caps(w, what, strict, &caps, err) < 0)
			return -1;
		m |= caps;
	}
	*mask = m;
	return 0;
}

char *wpar_privs_format(uint64_t mask)
{
	struct strbuf sb = {0};
	for (int c = 0; c < 64; c++) {
		if (!(mask & BIT(c)))
			continue;
		cleanup_free char *name = cap_upper_name(c);
		strbuf_printf(&sb, "%s%s", sb.len ? "," : "", name);
	}
	if (sb.len == 0)
		strbuf_puts(&sb, "none");
	return strbuf_steal(&sb);
}

int wpar_privs_of(const struct wpar_spec *spec, uint64_t *mask, wpar_error_t *err)
{
	if (spec->security.privs == NULL) {
		*mask = wpar_privs_default(wpar_spec_type(spec));
		return 0;
	}
	return wpar_privs_parse(spec->security.privs, "security.privs", false, mask, err);
}

/* The words of -S, sorted out; nothing of the definition changes here. */
struct privs_words {
	const char *set, *file, *userns, *idrange;
	bool privs; /* any of privs=, privs+=, privs-=, secfile= */
	uint64_t add, del;
};

static int once(const char **slot, const char *v, const char *flag, const char *name,
		wpar_error_t *err)
{
	if (*slot)
		return wpar_error_input(err, "%s: %s given twice", flag, name);
	*slot = v;
	return 0;
}

static int sort_words(struct privs_words *w, const char *flag, char **words, size_t n_words,
		      wpar_error_t *err)
{
	cleanup_free char *what = xasprintf("%s privs", flag);
	if (n_words == 0)
		return wpar_error_input(err, "%s needs attr=value arguments", flag);
	for (size_t i = 0; i < n_words; i++) {
		const char *v;
		uint64_t caps;
		int r = 0;
		if ((v = str_after(words[i], "privs+="))) {
			r = wpar_privs_parse(v, what, true, &caps, err);
			w->add |= caps;
		} else if ((v = str_after(words[i], "privs-="))) {
			r = wpar_privs_parse(v, what, true, &caps, err);
			w->del |= caps;
		} else if ((v = str_after(words[i], "privs="))) {
			r = once(&w->set, v, flag, "privs=", err);
		} else if ((v = str_after(words[i], "secfile="))) {
			r = once(&w->file, v, flag, "secfile=", err);
		} else if ((v = str_after(words[i], "userns="))) {
			if (once(&w->userns, v, flag, "userns=", err) < 0)
				return -1;
			continue;
		} else if ((v = str_after(words[i], "idrange="))) {
			if (once(&w->idrange, v, flag, "idrange=", err) < 0)
				return -1;
			continue;
		} else {
			return wpar_error_input(err,
						"%s: '%s' is not one of privs=, privs+=, privs-=, "
						"secfile=, userns=, idrange=",
						flag, words[i]);
		}
		if (r < 0)
			return -1;
		w->privs = true;
	}
	if (w->set && w->file)
		return wpar_error_input(err,
					"%s: give the privileges either as privs= or in a "
					"secfile=, not both",
					flag);
	if (w->add & w->del) {
		cleanup_free char *both = wpar_privs_format(w->add & w->del);
		return wpar_error_input(err, "%s: %s both added (privs+=) and removed (privs-=)",
					flag, both);
	}
	struct wpar_idrange range;
	if (w->userns && parse_yes_no(w->userns) < 0)
		return wpar_error_input(err, "%s: userns=%s is not yes or no", flag, w->userns);
	if (w->idrange && strcmp(w->idrange, "auto") != 0 &&
	    wpar_idrange_parse(w->idrange, &range, err) < 0)
		return wpar_error_prefix(err, "%s", flag);
	return 0;
}

/* The set privs=, secfile= or the changes give, from the current one. */
static int new_privs(const struct wpar_spec *spec, const struct privs_words *w, const char *flag,
		     uint64_t *out, wpar_error_t *err)
{
	cleanup_free char *what = xasprintf("%s privs", flag);
	uint64_t base;
	cleanup_free char *text = NULL;
	if (w->file) {
		if (w->file[0] != '/')
			return wpar_error_input(err, "%s: secfile=%s is not an absolute path", flag,
						w->file);
		if (read_file(w->file, &text, NULL, err) < 0)
			return wpar_error_prefix(err, "%s: secfile", flag);
		cleanup_free char *in = xasprintf("secfile %s", w->file);
		if (wpar_privs_parse(text, in, true, &base, err) < 0)
			return -1;
	} else if (w->set) {
		if (wpar_privs_parse(w->set, what, true, &base, err) < 0)
			return -1;
	} else if (wpar_privs_of(spec, &base, err) < 0) {
		return -1;
	}
	*out = (base | w->add) & ~w->del;
	return 0;
}

static void set_text(char **field, const char *value)
{
	free(*field);
	*field = value ? xstrdup(value) : NULL;
}

int wpar_privs_edit(struct wpar_spec *spec, const char *flag, char **words, size_t n_words,
		    wpar_error_t *err)
{
	struct privs_words w = {0};
	uint64_t caps = 0;
	if (sort_words(&w, flag, words, n_words, err) < 0 ||
	    (w.privs && new_privs(spec, &w, flag, &caps, err) < 0))
		return -1;
	if (spec->n_security == 0)
		wpar_spec_append(spec, WPAR_ST_SECURITY);
	if (w.privs) {
		free(spec->security.privs);
		spec->security.privs = wpar_privs_format(caps);
		set_text(&spec->security.secfile, w.file);
	}
	if (w.userns)
		set_text(&spec->security.userns, parse_yes_no(w.userns) ? "yes" : "no");
	/* "auto": the claim under the registry lock picks a free range. */
	if (w.idrange) {
		struct wpar_idrange r = {0};
		bool pick = strcmp(w.idrange, "auto") == 0;
		if (!pick)
			wpar_idrange_parse(w.idrange, &r, NULL);
		free(spec->security.idrange);
		spec->security.idrange = pick ? NULL : xasprintf("%lu:%lu", r.first, r.count);
	}
	return 0;
}

int wpar_privs_check_host(const struct wpar_spec *spec, bool device_filter, wpar_error_t *err)
{
	if (device_filter || !(wpar_confine_cap_mask(spec) & BIT(CAP_MKNOD)))
		return 0;
	return wpar_error_input(
	    err,
	    "workload partition %s has CAP_MKNOD, but this host has no device "
	    "filter for it (a cgroup v2 device program is not implemented yet): "
	    "remove it with chwpar -S privs-=CAP_MKNOD",
	    spec->general.name);
}

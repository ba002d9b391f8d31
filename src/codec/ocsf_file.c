/* File System Activity (1001): open is Open, unlink Delete, rename Rename
 * (file_result the new name), chmod and chown Set Security (mode and owner
 * are a Unix file's security descriptor), link, mknod and memfd Create
 * (a memfd is an anonymous regular file, named as /proc/PID/fd shows it:
 * "memfd:NAME"), mount Mount / Unmount (the other mount-table calls Other,
 * named by what they do). */
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include "codec/ocsf_map.h"

#define FILE_ROW(body, fn_activity, fn_result, fn_fields)                                   \
	{ RINGTAP__V1__EVENT__BODY_##body, OCSF_CLASS_FILE_ACTIVITY, "File System Activity", \
	  OCSF_CATEGORY_SYSTEM, "System Activity", fn_activity, fn_result, NULL, fn_fields }

#define ACTIVITY(fn, id, name)                                        \
	static struct ocsf_activity fn(const Ringtap__V1__Event *ev) \
	{                                                             \
		(void)ev;                                             \
		return (struct ocsf_activity){ id, name };            \
	}
ACTIVITY(act_create, 1, "Create")
ACTIVITY(act_delete, 4, "Delete")
ACTIVITY(act_rename, 5, "Rename")
ACTIVITY(act_set_security, 7, "Set Security")
ACTIVITY(act_open, 14, "Open")

#define RESULT(fn, body)                                                    \
	static int fn(const Ringtap__V1__Event *ev, int32_t *ret)           \
	{                                                                   \
		*ret = ev->body->ret;                                       \
		return 1;                                                   \
	}
RESULT(open_result, open)
RESULT(unlink_result, unlink)
RESULT(rename_result, rename)
RESULT(chmod_result, chmod)
RESULT(chown_result, chown)
RESULT(link_result, link)
RESULT(mknod_result, mknod)
RESULT(memfd_result, memfd)
RESULT(mount_result, mount)

/* OCSF file type ids. */
enum { T_UNKNOWN = 0, T_REGULAR = 1, T_FOLDER = 2, T_CHAR = 3, T_BLOCK = 4, T_SOCKET = 5,
       T_PIPE = 6, T_SYMLINK = 7 };

static const char *type_name(int t)
{
	static const char *const names[] = { "Unknown", "Regular File", "Folder",
					     "Character Device", "Block Device", "Local Socket",
					     "Named Pipe", "Symbolic Link" };
	return names[t];
}

/* A file object; an fd-only call (fchmod, fchown) has no path and is named
 * by its descriptor, which is under unmapped too. */
static void put_file(struct ocsf_writer *w, const char *key, const char *path, int type)
{
	ow_begin(w, key);
	ow_str(w, "name", path && *path ? ocsf_basename(path) : "");
	ow_str_nonempty(w, "path", path);
	ow_int(w, "type_id", type);
	ow_str(w, "type", type_name(type));
	ow_end(w);
}

static void open_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	put_file(w, "file", ev->open->path, ev->open->flags & O_DIRECTORY ? T_FOLDER : T_UNKNOWN);
}

static void unlink_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Unlink *u = ev->unlink;
	int dir = (u->flags & AT_REMOVEDIR) || (u->syscall && !strcmp(u->syscall, "rmdir"));

	put_file(w, "file", u->path, dir ? T_FOLDER : T_UNKNOWN);
}

static void rename_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	put_file(w, "file", ev->rename->old_path, T_UNKNOWN);
	put_file(w, "file_result", ev->rename->new_path, T_UNKNOWN);
}

static void chmod_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	put_file(w, "file", ev->chmod->path, T_UNKNOWN);
}

static void chown_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	put_file(w, "file", ev->chown->path, T_UNKNOWN);
}

static void link_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	put_file(w, "file", ev->link->link_path, ev->link->symbolic ? T_SYMLINK : T_UNKNOWN);
}

static int mknod_type(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return T_REGULAR;
	case S_IFCHR: return T_CHAR;
	case S_IFBLK: return T_BLOCK;
	case S_IFIFO: return T_PIPE;
	case S_IFSOCK: return T_SOCKET;
	case 0: return T_REGULAR; /* mknod(2): a zero file type makes a regular file */
	default: return T_UNKNOWN;
	}
}

static void mknod_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	put_file(w, "file", ev->mknod->path, mknod_type(ev->mknod->mode));
}

static void memfd_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	char name[300];

	snprintf(name, sizeof(name), "memfd:%s", ev->memfd->name ? ev->memfd->name : "");
	ow_begin(w, "file");
	ow_str(w, "name", name);
	ow_int(w, "type_id", T_REGULAR);
	ow_str(w, "type", type_name(T_REGULAR));
	ow_end(w);
}

/* The mount-table calls by syscall: mount and move_mount attach a mount
 * (Mount 12), umount2 detaches one (Unmount 13); the others prepare or
 * change one, or change the root (Other 99). */
static struct ocsf_activity mount_activity(const Ringtap__V1__Event *ev)
{
	static const struct {
		const char *syscall;
		struct ocsf_activity act;
	} acts[] = {
		{ "mount", { 12, "Mount" } },
		{ "move_mount", { 12, "Mount" } },
		{ "umount2", { 13, "Unmount" } },
		{ "umount", { 13, "Unmount" } },
		{ "chroot", { OCSF_ACTIVITY_OTHER, "Change Root" } },
		{ "pivot_root", { OCSF_ACTIVITY_OTHER, "Pivot Root" } },
		{ "fsopen", { OCSF_ACTIVITY_OTHER, "Open Filesystem" } },
		{ "fsmount", { OCSF_ACTIVITY_OTHER, "Create Mount" } },
		{ "open_tree", { OCSF_ACTIVITY_OTHER, "Open Tree" } },
		{ "mount_setattr", { OCSF_ACTIVITY_OTHER, "Set Mount Attributes" } },
	};
	const char *sc = ev->mount->syscall ? ev->mount->syscall : "";

	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
		if (!strcmp(sc, acts[i].syscall))
			return acts[i].act;
	return (struct ocsf_activity){ OCSF_ACTIVITY_OTHER, "Other" };
}

/* file: the mount point (or chroot's directory), else the source (what
 * open_tree/move_mount name); the fs type and the source of a mount are
 * under unmapped.mount. */
static void mount_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Mount *m = ev->mount;

	if (m->target && *m->target)
		put_file(w, "file", m->target, T_FOLDER);
	else
		put_file(w, "file", m->source, T_UNKNOWN);
}

const struct ocsf_class_map ocsf_file_map[] = {
	FILE_ROW(OPEN, act_open, open_result, open_fields),
	FILE_ROW(UNLINK, act_delete, unlink_result, unlink_fields),
	FILE_ROW(RENAME, act_rename, rename_result, rename_fields),
	FILE_ROW(CHMOD, act_set_security, chmod_result, chmod_fields),
	FILE_ROW(CHOWN, act_set_security, chown_result, chown_fields),
	FILE_ROW(LINK, act_create, link_result, link_fields),
	FILE_ROW(MKNOD, act_create, mknod_result, mknod_fields),
	FILE_ROW(MEMFD, act_create, memfd_result, memfd_fields),
	FILE_ROW(MOUNT, mount_activity, mount_result, mount_fields),
	{ 0 },
};

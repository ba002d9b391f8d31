/* cgroup path -> pod UID / container id, for every layout we claim. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "enrich/pod_cgroup_parse.h"

#define UID "5f8a7c1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
#define UIDU "5f8a7c1e_2b3d_4e5f_8a9b_0c1d2e3f4a5b"
#define CID "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"

struct pcase {
	const char *path;
	const char *uid; /* NULL: not a pod */
	const char *cid;
};

static const struct pcase cases[] = {
	/* systemd driver */
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UIDU ".slice/cri-containerd-" CID ".scope", UID, CID },
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UIDU ".slice/crio-" CID ".scope", UID, CID },
	{ "/kubepods.slice/kubepods-pod" UIDU ".slice/docker-" CID ".scope", UID, CID },
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UIDU ".slice/crio-conmon-" CID ".scope", UID, "" },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UIDU ".slice", UID, "" },
	/* a container's own sub-cgroup stays the container's */
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UIDU ".slice/cri-containerd-" CID ".scope/init.scope", UID, CID },
	/* cgroupfs driver */
	{ "/kubepods/besteffort/pod" UID "/" CID, UID, CID },
	{ "/kubepods/pod" UID "/" CID, UID, CID },
	{ "/kubepods/burstable/pod" UID "/crio-" CID, UID, CID },
	/* k3s in docker (k3d), and a test prefix */
	{ "/system.slice/docker-" CID ".scope/kubepods/besteffort/pod" UID "/" CID, UID, CID },
	{ "/ringtap-test-42/kubepods/besteffort/pod" UID "/" CID, UID, CID },
	/* rootless k3s under the user's systemd */
	{ "/user.slice/user-1000.slice/user@1000.service/k3s-rootless.service/kubepods/burstable/pod" UID "/" CID, UID, CID },
	/* static pod: its UID is a 32-digit hash */
	{ "/kubepods/burstable/pod0123456789abcdef0123456789abcdef/" CID, "0123456789abcdef0123456789abcdef", CID },
	/* the pause/sandbox or a short id is no container id, the pod is still known */
	{ "/kubepods/besteffort/pod" UID "/abc123", UID, "" },
	/* not pods */
	{ "/", NULL, NULL },
	{ "/system.slice/containerd.service", NULL, NULL },
	{ "/user.slice/user-0.slice/session-1.scope", NULL, NULL },
	{ "/system.slice/docker-" CID ".scope", NULL, NULL },
	{ "/kubepods.slice/kubepods-besteffort.slice", NULL, NULL },
	{ "/kubepods/besteffort", NULL, NULL },
	{ "/pod" UID "/" CID, NULL, NULL }, /* "pod..." outside kubepods */
	/* a user's own slice named like a pod slice, outside kubepods */
	{ "/user.slice/user-1000.slice/user@1000.service/app.slice/kubepods-pod" UIDU ".slice/x.scope", NULL, NULL },
	{ "/kubepods/besteffort/pod" "5f8a7c1e-2b3d-4e5f-8a9b" "/" CID, NULL, NULL }, /* cut UID */
	{ "/kubepods.slice/kubepods-besteffort-podZZZZ.slice", NULL, NULL },
};

static void test_layouts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pod_cgroup pc;
		int rc = pod_cgroup_parse(cases[i].path, &pc);
		if (!cases[i].uid) {
			if (rc != -ENOENT)
				fail_msg("%s: parsed as a pod (%s), expected host", cases[i].path, pc.pod_uid);
			continue;
		}
		if (rc)
			fail_msg("%s: not recognised as a pod", cases[i].path);
		if (strcmp(pc.pod_uid, cases[i].uid) || strcmp(pc.container_id, cases[i].cid))
			fail_msg("%s: got uid=%s cid=%s", cases[i].path, pc.pod_uid, pc.container_id);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

//! Container runtime and id from the `cgroups` parameter of an exec event.
//!
//! The parameter is `subsys=path\0subsys=path\0...` (one entry per cgroup v1 hierarchy, or
//! the unified v2 path). Runtimes leave their container id, 64 hex characters, in one path
//! component, either bare (cgroupfs driver: `/docker/<id>`, `/kubepods/.../pod<uid>/<id>`) or
//! wrapped in a systemd scope (`docker-<id>.scope`, `cri-containerd-<id>.scope`,
//! `crio-<id>.scope`, `libpod-<id>.scope`).
//!
//! Not here: talking to runtimes, names or images (that is the container plugin's job), and
//! no guessing: an unrecognised layout is "no container", never a made-up id.

use super::{ContainerInfo, ContainerRuntime};

/// Scope prefixes of the systemd cgroup driver, longest first where one prefixes another.
const SCOPE_PREFIXES: &[(&str, ContainerRuntime)] = &[
    ("cri-containerd-", ContainerRuntime::Containerd),
    ("crio-conmon-", ContainerRuntime::CriO),
    ("crio-", ContainerRuntime::CriO),
    ("libpod-conmon-", ContainerRuntime::Podman),
    ("libpod-", ContainerRuntime::Podman),
    ("docker-", ContainerRuntime::Docker),
];

/// Length of a full container id (64 hex characters).
const ID_LEN: usize = 64;

/// Cgroups parameters longer than this are parsed each time, not remembered (a host's list
/// of cgroup v1 hierarchies is a few hundred bytes).
const MAX_REMEMBERED_BYTES: usize = 4096;

/// The last cgroups parameter parsed and the container it gave. The execs of one process
/// tree share their cgroups, so most events are answered by comparing their bytes with the
/// last ones (a few dozen instructions, against a few hundred for the parse and an
/// allocation for a container's id). Bounded: [`MAX_REMEMBERED_BYTES`].
#[derive(Debug, Default)]
pub struct LastCgroups {
    raw: Vec<u8>,
    container: Option<ContainerInfo>,
}

impl LastCgroups {
    /// [`container_from_cgroups`] into `out`, whose id buffer is reused.
    pub fn container_into(&mut self, cgroups: &[u8], out: &mut Option<ContainerInfo>) {
        if self.raw != cgroups {
            let container = container_from_cgroups(cgroups);
            if cgroups.len() > MAX_REMEMBERED_BYTES {
                *out = container;
                return;
            }
            self.raw.clear();
            self.raw.extend_from_slice(cgroups);
            self.container = container;
        }
        match (out.as_mut(), &self.container) {
            (Some(o), Some(c)) => {
                o.runtime = c.runtime;
                o.short_id.clone_from(&c.short_id);
            }
            (_, c) => *out = c.clone(),
        }
    }
}

/// The container the cgroups place the process in, or `None` on the host.
pub fn container_from_cgroups(cgroups: &[u8]) -> Option<ContainerInfo> {
    super::decode::split_nul(cgroups)
        .filter_map(|entry| {
            // `cpuset=/docker/..`; tolerate a bare path too. Most entries are the host's
            // short paths (`cpu=/`), ruled out by their length before any search.
            if entry.len() < ID_LEN {
                return None;
            }
            let path = memchr::memchr(b'=', entry).map_or(entry, |i| &entry[i + 1..]);
            if path.len() < ID_LEN {
                return None;
            }
            let entry = std::str::from_utf8(entry).ok()?;
            container_from_path(entry.split_once('=').map_or(entry, |(_, p)| p))
        })
        .next()
}

/// The container a single cgroup path belongs to.
pub fn container_from_path(path: &str) -> Option<ContainerInfo> {
    // Every layout holds a 64-character id: shorter paths (the host's) are ruled out at once.
    if path.len() < ID_LEN {
        return None;
    }
    // The innermost id wins: nested runtimes (docker in kubepods) name the container last.
    let mut end = path.len();
    for component in path.rsplit('/') {
        let parents = &path[..end - component.len()];
        end = parents.len().saturating_sub(1);
        if let Some(scope) = component.strip_suffix(".scope") {
            for (prefix, runtime) in SCOPE_PREFIXES {
                if let Some(id) = scope.strip_prefix(prefix).and_then(short_id) {
                    return Some(ContainerInfo {
                        runtime: *runtime,
                        short_id: id,
                    });
                }
            }
            continue;
        }
        // The id is copied only once a runtime claims it: a bare id under an unknown parent
        // (`/process_api/<id>` of a sandbox) is no container and costs no allocation.
        if !is_full_id(component) {
            continue;
        }
        let mut parents = parents.split('/');
        let runtime = if parents.clone().any(|p| p.starts_with("kubepods")) {
            ContainerRuntime::Kubepods
        } else if parents.any(|p| p == "docker") {
            ContainerRuntime::Docker
        } else {
            // A bare id under an unknown parent: could be anything, claim nothing.
            continue;
        };
        return Some(ContainerInfo {
            runtime,
            short_id: component[..12].to_ascii_lowercase(),
        });
    }
    None
}

/// Whether `s` is a full container id: 64 hex characters.
fn is_full_id(s: &str) -> bool {
    s.len() == ID_LEN && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The 12-character short id of a full 64-hex container id.
fn short_id(s: &str) -> Option<String> {
    is_full_id(s).then(|| s[..12].to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ContainerRuntime::*;

    const ID: &str = "3f5e1e9a4b2c7d8e9f00112233445566778899aabbccddeeff00112233445566";

    fn runtime_of(path: &str) -> Option<(ContainerRuntime, String)> {
        container_from_path(path).map(|c| (c.runtime, c.short_id))
    }

    fn expect(path: &str, runtime: ContainerRuntime) {
        assert_eq!(
            runtime_of(path),
            Some((runtime, "3f5e1e9a4b2c".to_string())),
            "{path}"
        );
    }

    #[test]
    fn docker_layouts() {
        expect(&format!("/docker/{ID}"), Docker);
        expect(&format!("/system.slice/docker-{ID}.scope"), Docker);
        // Docker under a kubelet with the systemd driver: the scope names the runtime.
        expect(
            &format!("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0a1b.slice/docker-{ID}.scope"),
            Docker,
        );
    }

    #[test]
    fn containerd_layouts() {
        expect(
            &format!("/system.slice/cri-containerd-{ID}.scope"),
            Containerd,
        );
        expect(
            &format!("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1c2d3e4f_5a6b_7c8d_9e0f_a1b2c3d4e5f6.slice/cri-containerd-{ID}.scope"),
            Containerd,
        );
    }

    #[test]
    fn crio_layouts() {
        expect(
            &format!("/kubepods.slice/kubepods-pod1.slice/crio-{ID}.scope"),
            CriO,
        );
        expect(
            &format!("/kubepods.slice/kubepods-pod1.slice/crio-conmon-{ID}.scope"),
            CriO,
        );
    }

    #[test]
    fn podman_layouts() {
        expect(&format!("/machine.slice/libpod-{ID}.scope"), Podman);
        expect(
            &format!("/machine.slice/libpod-{ID}.scope/container"),
            Podman,
        );
        expect(
            &format!("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-{ID}.scope/container"),
            Podman,
        );
        expect(&format!("/machine.slice/libpod-conmon-{ID}.scope"), Podman);
    }

    #[test]
    fn plain_kubepods_cannot_name_the_runtime() {
        expect(
            &format!("/kubepods/besteffort/pod1c2d3e4f-5a6b-7c8d-9e0f-a1b2c3d4e5f6/{ID}"),
            Kubepods,
        );
        expect(
            &format!("/kubepods/pod1c2d3e4f-5a6b-7c8d-9e0f-a1b2c3d4e5f6/{ID}"),
            Kubepods,
        );
    }

    #[test]
    fn host_paths_are_not_containers() {
        for path in [
            "/",
            "",
            "/user.slice/user-1000.slice/session-3.scope",
            "/system.slice/sshd.service",
            "/init.scope",
            "/kubepods.slice/kubepods-besteffort.slice", // the pod slice itself, no container
            &format!("/system.slice/docker-{}.scope", &ID[..63]), // 63 hex: not an id
            &format!("/system.slice/docker-{}g.scope", &ID[..63]), // not hex
            &format!("/somewhere/{ID}"),                 // bare id, unknown parent
        ] {
            assert_eq!(runtime_of(path), None, "{path}");
        }
    }

    #[test]
    fn cgroup_parameter_v1_and_v2() {
        let v1 = format!("cpuset=/\0cpu=/docker/{ID}\0memory=/docker/{ID}\0");
        let c = container_from_cgroups(v1.as_bytes()).expect("v1 docker");
        assert_eq!((c.runtime, c.short_id.as_str()), (Docker, "3f5e1e9a4b2c"));

        let v2 = format!("cpuset=/system.slice/docker-{ID}.scope\0");
        assert_eq!(
            container_from_cgroups(v2.as_bytes()).map(|c| c.runtime),
            Some(Docker)
        );

        let host =
            b"cpuset=/\0cpu=/user.slice\0memory=/user.slice/user-1000.slice/session-2.scope\0";
        assert_eq!(container_from_cgroups(host), None);
        assert_eq!(container_from_cgroups(b""), None);
        assert_eq!(container_from_cgroups(b"\xff\xfe=\0"), None);
    }

    #[test]
    fn upper_case_ids_are_normalised() {
        let upper = ID.to_ascii_uppercase();
        assert_eq!(
            runtime_of(&format!("/docker/{upper}")),
            Some((Docker, "3f5e1e9a4b2c".to_string()))
        );
    }

    #[test]
    fn the_last_cgroups_answer_as_a_parse() {
        let other = ID.replace("3f5e", "9a0b");
        let huge_host = format!("memory=/{}\0", "a/".repeat(3000));
        let huge_docker = format!("{huge_host}cpu=/docker/{ID}\0");
        let sequence: Vec<Vec<u8>> = vec![
            format!("cpuset=/docker/{ID}\0").into_bytes(),
            format!("cpuset=/docker/{ID}\0").into_bytes(),
            format!("cpuset=/system.slice/crio-{other}.scope\0").into_bytes(),
            b"cpuset=/\0cpu=/user.slice\0".to_vec(),
            format!("cpuset=/somewhere/{ID}\0").into_bytes(),
            format!("cpuset=/docker/{ID}\0").into_bytes(),
            huge_docker.clone().into_bytes(),
            huge_host.into_bytes(),
            huge_docker.into_bytes(),
            format!("cpuset=/docker/{ID}\0").into_bytes(),
            b"\xff\xfe=\0".to_vec(),
            format!("cpuset=/system.slice/crio-{other}.scope\0").into_bytes(),
        ];
        let mut last = LastCgroups::default();
        let mut out = None;
        for cgroups in &sequence {
            last.container_into(cgroups, &mut out);
            assert_eq!(out, container_from_cgroups(cgroups), "{cgroups:?}");
            assert!(last.raw.len() <= MAX_REMEMBERED_BYTES);
        }
    }
}

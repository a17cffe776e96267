#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# contrib/kubernetes: no cluster runs here, so what can be checked is: the
# manifests parse, name the handler alike, and the installer's drop-in is
# the one tests/integration/cri.bats runs containerd with.

load helpers

K="$HS_SRCDIR/contrib/kubernetes"

setup() {
	common_setup
	python3 -c 'import yaml' 2>/dev/null || skip "no python3 yaml module (apt-get install python3-yaml)"
}

teardown() {
	common_teardown
}

@test "kubernetes: the manifests parse; RuntimeClass, DaemonSet, ConfigMap and drop-in name the handler hardshim" {
	python3 - "$K" <<-'PY'
		import sys, yaml
		k = sys.argv[1]
		docs = [d for f in ("runtimeclass.yaml", "installer.yaml") for d in yaml.safe_load_all(open(f"{k}/{f}")) if d]
		kinds = {d["kind"]: d for d in docs}
		assert set(kinds) >= {"RuntimeClass", "DaemonSet", "ConfigMap", "Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding"}, kinds
		rc = kinds["RuntimeClass"]
		assert rc["handler"] == "hardshim" and rc["metadata"]["name"] == "hardshim"
		ds = kinds["DaemonSet"]["spec"]["template"]["spec"]
		assert ds["hostPID"] and ds["containers"][0]["command"][-1] == "/config/install.sh"
		cm = kinds["ConfigMap"]["data"]
		dropin = open(f"{k}/containerd-hardshim.toml").read()
		body = lambda t: [l for l in t.splitlines() if l.strip() and not l.startswith("#")]
		assert body(cm["containerd-hardshim.toml"]) == body(dropin), (cm["containerd-hardshim.toml"], dropin)
		assert 'runtimes.hardshim]' in dropin and 'BinaryName = "/usr/bin/hardshim"' in dropin
		print("ok")
	PY
	python3 -c 'import sys, yaml; print(yaml.safe_load_all(open(sys.argv[1])).__next__()["kind"])' "$K/runtimeclass.yaml"
	# The installer's script is valid sh.
	python3 -c 'import sys, yaml; [sys.stdout.write(d["data"]["install.sh"]) for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "ConfigMap"]' \
		"$K/installer.yaml" >"$T/install.sh"
	grep -q 'dpkg -i' "$T/install.sh"
	sh -n "$T/install.sh"
}

@test "kubernetes: the CRI tests give their containerd the drop-in's handler section" {
	# cri.bash reads the file; cri.bats and cri-package.bats load cri.bash.
	grep -q 'contrib/kubernetes/containerd-hardshim.toml' "$HS_SRCDIR/tests/integration/cri.bash"
	grep -qx 'load cri' "$HS_SRCDIR/tests/integration/cri.bats"
	grep -qx 'load cri' "$HS_SRCDIR/tests/integration/cri-package.bats"
}

@test "kubernetes: the installer's image has the package where install.sh reads it, and the tools it calls" {
	local dockerfile="$K/Dockerfile"
	python3 -c 'import sys, yaml; [sys.stdout.write(d["data"]["install.sh"]) for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "ConfigMap"]' \
		"$K/installer.yaml" >"$T/install.sh"
	# The path the script copies the package from is the COPY's destination.
	local deb
	deb=$(sed -n 's/^COPY hardshim.deb //p' "$dockerfile")
	[ "$deb" = /opt/hardshim/hardshim.deb ]
	grep -q "cp $deb " "$T/install.sh"
	# nsenter (util-linux) and kubectl (kubernetes-client) are installed.
	grep -q 'nsenter ' "$T/install.sh"
	grep -q 'kubectl label node' "$T/install.sh"
	grep -Eq 'apt-get install .*util-linux.*kubernetes-client' "$dockerfile"
	grep -q '^FROM debian:12' "$dockerfile"
	# The Makefile ships it.
	grep -q 'contrib/kubernetes/Dockerfile' "$HS_SRCDIR/Makefile.am"
}

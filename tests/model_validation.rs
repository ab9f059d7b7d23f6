//! Validation, case by case: each case is a snippet added to a valid base
//! scenario, and the exact problems `model::load` must report for it (each
//! naming the object and the field). The base's objects are valid and must
//! never be reported, whatever is wrong beside them.

use k8s_netlab::model::{self, Problem};

/// A valid cluster the cases add to: two nodes, a pod, a ClusterIP Service
/// and a NodePort Service holding NodePort 30080.
const BASE: &str = "\
apiVersion: v1
kind: Node
metadata:
  name: node-1
spec:
  podCIDR: 10.0.1.0/24
status:
  addresses:
  - type: InternalIP
    address: 10.100.0.2
---
apiVersion: v1
kind: Node
metadata:
  name: node-2
spec:
  podCIDR: 10.0.2.0/24
status:
  addresses:
  - type: InternalIP
    address: 10.100.0.3
---
apiVersion: v1
kind: Pod
metadata:
  name: web-1
  labels:
    app: web
spec:
  nodeName: node-1
  containers:
  - name: web
    ports:
    - name: http
      containerPort: 8080
status:
  podIP: 10.0.1.5
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: 10.3.241.152
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: http
---
apiVersion: v1
kind: Service
metadata:
  name: np
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
    nodePort: 30080
";

/// One validation case: a snippet appended to [`BASE`] and the problems it
/// must cause, each a substring of one problem's `Display` (in any order).
struct Case {
    name: &'static str,
    snippet: &'static str,
    expected: &'static [&'static str],
}

const CASES: &[Case] = &[
    // ---------------------------------------------------------------- documents
    Case {
        name: "document that is not a mapping",
        snippet: "- just\n- a list\n",
        expected: &["document 6: expected a Kubernetes object"],
    },
    Case {
        name: "kind missing",
        snippet: "apiVersion: v1\nmetadata:\n  name: x\n",
        expected: &["document 6: kind: is missing"],
    },
    Case {
        name: "kind not a string",
        snippet: "apiVersion: v1\nkind: 5\n",
        expected: &["document 6: kind: must be a string"],
    },
    Case {
        name: "List items not a list",
        snippet: "apiVersion: v1\nkind: List\nitems: 3\n",
        expected: &["List in document 6: items: must be a list"],
    },
    Case {
        name: "bad item inside a List is named, good items load",
        snippet: "\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: ok-pod
  spec:
    nodeName: node-2
- apiVersion: v1
  kind: Service
  metadata:
    name: broken
    namespace: shop
  spec:
    ports:
    - port: eighty
",
        expected: &["Service shop/broken: spec.ports[0].port: invalid type: string \"eighty\""],
    },
    Case {
        name: "field of the wrong type",
        snippet: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\nspec:\n  podCIDRs: 10.0.9.0/24\n",
        expected: &["Node node-9: spec.podCIDRs: invalid type"],
    },
    Case {
        name: "EndpointSlice of the wrong apiVersion",
        snippet: "apiVersion: discovery.k8s.io/v1beta1\nkind: EndpointSlice\nmetadata:\n  name: web-1\n",
        expected: &["EndpointSlice default/web-1: apiVersion: EndpointSlice must be discovery.k8s.io/v1"],
    },
    Case {
        name: "netlab kind with a Kubernetes apiVersion",
        snippet: "apiVersion: v1\nkind: Route\nmetadata:\n  name: r\n",
        expected: &["Route r: apiVersion: Route is a netlab/v1 kind"],
    },
    // ---------------------------------------------------------------- Cluster
    Case {
        name: "Cluster CIDR syntax",
        snippet: "apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  serviceCIDR: 10.3.240.0/20x\n",
        expected: &["Cluster c: spec.serviceCIDR: \"10.3.240.0/20x\" is not a CIDR"],
    },
    Case {
        name: "Cluster CIDR with host bits",
        snippet: "apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  podCIDR: 10.0.0.1/14\n",
        expected: &["Cluster c: spec.podCIDR: \"10.0.0.1/14\" is not a network address (did you mean 10.0.0.0/14?)"],
    },
    Case {
        name: "Cluster IPv6 CIDR",
        snippet: "apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  serviceCIDR: fd00::/108\n",
        expected: &["Cluster c: spec.serviceCIDR: \"fd00::/108\" is an IPv6 CIDR"],
    },
    Case {
        name: "Cluster service network swallowing the pod network",
        snippet: "apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  podCIDR: 10.0.0.0/14\n  serviceCIDR: 10.0.0.0/12\n",
        expected: &["Cluster c: spec.serviceCIDR: 10.0.0.0/12 leaves no room for pods"],
    },
    Case {
        name: "Cluster NodePort range syntax",
        snippet: "apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  nodePortRange: \"30000\"\n",
        expected: &["Cluster c: spec.nodePortRange: \"30000\" is not a port range"],
    },
    Case {
        name: "Cluster NodePort range reversed",
        snippet: "apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  nodePortRange: 32767-30000\n",
        expected: &["Cluster c: spec.nodePortRange: \"32767-30000\": the first port is above the last"],
    },
    Case {
        name: "Cluster NodePort range out of 1-65535",
        snippet: "apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  nodePortRange: 30000-70000\n",
        expected: &["Cluster c: spec.nodePortRange: 70000 is out of range 1-65535"],
    },
    Case {
        name: "Cluster per-node mask shorter than the pod network",
        snippet: "apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  nodePodCIDRMask: 8\n",
        expected: &["Cluster c: spec.nodePodCIDRMask: 8 must be between the pod CIDR's length /14 and 30"],
    },
    Case {
        name: "Cluster load balancer style",
        snippet: "apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  loadBalancerStyle: dsr\n",
        expected: &["Cluster c: spec.loadBalancerStyle: unknown style \"dsr\""],
    },
    Case {
        name: "two Clusters",
        snippet: "apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: a\n---\napiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: b\n",
        expected: &["Cluster in document 7: only one netlab/v1 Cluster may be given"],
    },
    // ---------------------------------------------------------------- KubeProxyConfiguration
    Case {
        name: "kube-proxy mode and masquerade bit",
        snippet: "\
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: userspace
clusterCIDR: 10.0.0.0/33
iptables:
  masqueradeBit: 40
",
        expected: &[
            "KubeProxyConfiguration in document 6: mode: userspace: this mode was removed in Kubernetes v1.26; iptables and nftables are modelled",
            "KubeProxyConfiguration in document 6: clusterCIDR: \"10.0.0.0/33\" is not a CIDR",
            "KubeProxyConfiguration in document 6: iptables.masqueradeBit: 40 must be between 0 and 31",
        ],
    },
    // A mode is simulated as itself or refused, never replaced.
    Case {
        name: "kube-proxy ipvs mode",
        snippet: "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\n",
        expected: &["KubeProxyConfiguration in document 6: mode: ipvs: IPVS mode is deprecated since Kubernetes v1.35 and not modelled; use iptables or nftables (both modelled here)"],
    },
    Case {
        name: "kube-proxy unknown mode",
        snippet: "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ebpf\n",
        expected: &["KubeProxyConfiguration in document 6: mode: unknown mode \"ebpf\" (iptables or nftables; ipvs is not modelled)"],
    },
    Case {
        name: "a node's kube-proxy mode label with an unknown mode",
        snippet: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\n  labels:\n    netlab.dev/kube-proxy-mode: nftable\n",
        expected: &["Node node-9: metadata.labels[\"netlab.dev/kube-proxy-mode\"]: unknown kube-proxy mode \"nftable\" (iptables or nftables)"],
    },
    Case {
        name: "a node's kube-proxy mode label asking for ipvs",
        snippet: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\n  labels:\n    netlab.dev/kube-proxy-mode: ipvs\n",
        expected: &["Node node-9: metadata.labels[\"netlab.dev/kube-proxy-mode\"]: ipvs: IPVS mode is deprecated since Kubernetes v1.35 and not modelled; use iptables or nftables"],
    },
    Case {
        name: "kube-proxy kernelspace mode",
        snippet: "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: kernelspace\n",
        expected: &["KubeProxyConfiguration in document 6: mode: kernelspace: Windows' mode (HNS) is not modelled; iptables and nftables are"],
    },
    // ---------------------------------------------------------------- Node
    Case {
        name: "node pod CIDR syntax",
        snippet: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\nspec:\n  podCIDR: 10.0.9.0/33\n",
        expected: &["Node node-9: spec.podCIDR: \"10.0.9.0/33\" is not a CIDR"],
    },
    Case {
        name: "node pod CIDR with host bits",
        snippet: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\nspec:\n  podCIDRs:\n  - 10.0.9.5/24\n",
        expected: &["Node node-9: spec.podCIDRs[0]: \"10.0.9.5/24\" is not a network address (did you mean 10.0.9.0/24?)"],
    },
    Case {
        name: "node pod CIDR outside the pod network of a Cluster given",
        snippet: "apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: story\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\nspec:\n  podCIDR: 10.8.0.0/24\n",
        expected: &["Node node-9: spec.podCIDR: 10.8.0.0/24 is outside the cluster's pod network 10.0.0.0/14"],
    },
    Case {
        name: "node pod CIDR too small",
        snippet: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\nspec:\n  podCIDR: 10.0.9.0/31\n",
        expected: &["Node node-9: spec.podCIDR: 10.0.9.0/31 is too small for pods"],
    },
    Case {
        name: "node pod CIDR overlapping another node's",
        snippet: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\nspec:\n  podCIDR: 10.0.1.128/25\n",
        expected: &["Node node-9: spec.podCIDR: 10.0.1.128/25 overlaps another Node's pod CIDR 10.0.1.0/24"],
    },
    Case {
        name: "node pod CIDR on the service network",
        snippet: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\nspec:\n  podCIDR: 10.3.241.0/24\n",
        expected: &["Node node-9: spec.podCIDR: 10.3.241.0/24 overlaps the service network 10.3.240.0/20"],
    },
    Case {
        name: "node IP syntax",
        snippet: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\nstatus:\n  addresses:\n  - type: Hostname\n    address: node-9\n  - type: InternalIP\n    address: 10.100.0.256\n",
        expected: &["Node node-9: status.addresses[1].address: \"10.100.0.256\" is not an IP address"],
    },
    Case {
        name: "node IP outside the node network",
        snippet: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\nstatus:\n  addresses:\n  - type: InternalIP\n    address: 10.200.0.5\n",
        expected: &["Node node-9: status.addresses[0].address: 10.200.0.5 is outside the node network 10.100.0.0/24"],
    },
    Case {
        name: "node IP is the network's broadcast address",
        snippet: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\nstatus:\n  addresses:\n  - type: InternalIP\n    address: 10.100.0.255\n",
        expected: &["Node node-9: status.addresses[0].address: 10.100.0.255 is outside the node network"],
    },
    Case {
        name: "node IP is the VPC router's",
        snippet: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\nstatus:\n  addresses:\n  - type: InternalIP\n    address: 10.100.0.1\n",
        expected: &["Node node-9: status.addresses[0].address: 10.100.0.1 is the VPC router's address"],
    },
    Case {
        name: "node IPv6 address",
        snippet: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\nstatus:\n  addresses:\n  - type: InternalIP\n    address: fd00::9\n",
        expected: &["Node node-9: status.addresses[0].address: \"fd00::9\" is an IPv6 address"],
    },
    Case {
        name: "duplicate node IP",
        snippet: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\nstatus:\n  addresses:\n  - type: InternalIP\n    address: 10.100.0.2\n",
        expected: &["Node node-9: status.addresses[0].address: duplicate IP 10.100.0.2: another Node has it"],
    },
    Case {
        name: "duplicate node name",
        snippet: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-2\n",
        expected: &["Node node-2: metadata.name: a Node of this name is given twice"],
    },
    Case {
        name: "invalid node name",
        snippet: "apiVersion: v1\nkind: Node\nmetadata:\n  name: Node_9\n",
        expected: &["Node Node_9: metadata.name: \"Node_9\" is not a valid name"],
    },
    Case {
        name: "node without a name",
        snippet: "apiVersion: v1\nkind: Node\nspec:\n  podCIDR: 10.0.9.0/24\n",
        expected: &["metadata.name: must not be empty"],
    },
    Case {
        name: "invalid node label",
        snippet: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\n  labels:\n    zone: -west\n",
        expected: &["Node node-9: metadata.labels.zone: label value \"-west\" is invalid"],
    },
    // ---------------------------------------------------------------- Pod
    Case {
        name: "pod IP outside its node's pod CIDR",
        snippet: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  nodeName: node-1\nstatus:\n  podIP: 10.0.2.9\n",
        expected: &["Pod default/p: status.podIP: 10.0.2.9 is outside node node-1's pod CIDR 10.0.1.0/24"],
    },
    Case {
        name: "pod IP is the node's bridge",
        snippet: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  nodeName: node-2\nstatus:\n  podIP: 10.0.2.1\n",
        expected: &["Pod shop/p: status.podIP: 10.0.2.1 is node node-2's cbr0 bridge address"],
    },
    Case {
        name: "pod IP syntax",
        snippet: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  nodeName: node-1\nstatus:\n  podIP: 10.0.1.300\n",
        expected: &["Pod default/p: status.podIP: \"10.0.1.300\" is not an IP address"],
    },
    Case {
        name: "duplicate pod IP",
        snippet: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  nodeName: node-1\nstatus:\n  podIP: 10.0.1.5\n",
        expected: &["Pod default/p: status.podIP: duplicate IP 10.0.1.5: another Pod has it"],
    },
    Case {
        name: "pod on an unknown node",
        snippet: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  nodeName: node-9\nstatus:\n  podIP: 10.0.9.2\n",
        expected: &["Pod default/p: spec.nodeName: unknown node \"node-9\""],
    },
    Case {
        name: "pod with an IP and no node",
        snippet: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nstatus:\n  podIP: 10.0.1.9\n",
        expected: &["Pod default/p: status.podIP: a pod with an IP must name its node in spec.nodeName"],
    },
    Case {
        name: "container port out of range",
        snippet: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  nodeName: node-1\n  containers:\n  - name: a\n  - name: b\n    ports:\n    - containerPort: 70000\n",
        expected: &["Pod default/p: spec.containers[1].ports[0].containerPort: 70000 is out of range 1-65535"],
    },
    Case {
        name: "container port name and protocol",
        snippet: "\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  nodeName: node-1
  containers:
  - name: a
    ports:
    - name: HTTP_1
      containerPort: 80
    - containerPort: 81
      protocol: ICMP
    - name: metrics
      containerPort: 9090
    - name: metrics
      containerPort: 9091
    - containerPort: 9090
",
        expected: &[
            "Pod default/p: spec.containers[0].ports[0].name: \"HTTP_1\" is not a valid port name",
            "Pod default/p: spec.containers[0].ports[1].protocol: unknown protocol \"ICMP\"",
            "Pod default/p: spec.containers[0].ports[3].name: port name \"metrics\" is used twice in this pod",
            "Pod default/p: spec.containers[0].ports[4].containerPort: 9090/TCP is declared twice in this pod",
        ],
    },
    Case {
        name: "duplicate pod name in a namespace",
        snippet: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n  namespace: default\nspec:\n  nodeName: node-2\n",
        expected: &["Pod default/web-1: metadata.name: a Pod of this name is given twice in this namespace"],
    },
    Case {
        name: "bad pod label key",
        snippet: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    bad key: x\nspec:\n  nodeName: node-2\n",
        expected: &["Pod default/p: metadata.labels.bad key: label key \"bad key\" is invalid"],
    },
    Case {
        name: "bad pod namespace",
        snippet: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: Shop\nspec:\n  nodeName: node-2\n",
        expected: &["Pod Shop/p: metadata.namespace: \"Shop\" is not a valid name"],
    },
    // ---------------------------------------------------------------- Deployment
    Case {
        name: "Deployment replicas out of range",
        snippet: "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: a
spec:
  replicas: -1
  template:
    metadata:
      labels:
        app: a
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: b
spec:
  replicas: 5000
  template:
    metadata:
      labels:
        app: b
",
        expected: &[
            "Deployment default/a: spec.replicas: -1 is out of range 0-1000",
            "Deployment default/b: spec.replicas: 5000 is out of range 0-1000",
        ],
    },
    Case {
        name: "Deployment selector not matching its template",
        snippet: "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: a
spec:
  selector:
    matchLabels:
      app: a
  template:
    metadata:
      labels:
        app: b
",
        expected: &["Deployment default/a: spec.template.metadata.labels: do not match spec.selector"],
    },
    Case {
        name: "Deployment without any selector or labels",
        snippet: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  replicas: 1\n",
        expected: &["Deployment default/a: spec.selector.matchLabels: must not be empty"],
    },
    Case {
        name: "Deployment bad selector",
        snippet: "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: a
spec:
  selector:
    matchLabels:
      app: a b
  template:
    metadata:
      labels:
        app: a b
",
        expected: &[
            "Deployment default/a: spec.selector.matchLabels.app: label value \"a b\" is invalid",
            "Deployment default/a: spec.template.metadata.labels.app: label value \"a b\" is invalid",
        ],
    },
    Case {
        name: "Deployment pinned to an unknown node",
        snippet: "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: a
spec:
  template:
    metadata:
      labels:
        app: a
    spec:
      nodeName: node-9
",
        expected: &["Deployment default/a: spec.template.spec.nodeName: unknown node \"node-9\""],
    },
    Case {
        name: "Deployment template port out of range",
        snippet: "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: a
spec:
  template:
    metadata:
      labels:
        app: a
    spec:
      containers:
      - name: a
        ports:
        - containerPort: 0
",
        expected: &["Deployment default/a: spec.template.spec.containers[0].ports[0].containerPort: 0 is out of range 1-65535"],
    },
    Case {
        name: "duplicate Deployment",
        snippet: "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: a
spec:
  replicas: 0
  template:
    metadata:
      labels:
        app: a
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: a
spec:
  replicas: 0
  template:
    metadata:
      labels:
        app: a
",
        expected: &["Deployment default/a: metadata.name: a Deployment of this name is given twice"],
    },
    // ---------------------------------------------------------------- Service
    Case {
        name: "unknown Service type",
        snippet: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: Ingress\n  ports:\n  - port: 80\n",
        expected: &["Service default/s: spec.type: unknown Service type \"Ingress\""],
    },
    Case {
        name: "bad Service selector value",
        snippet: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector:\n    app: -web\n  ports:\n  - port: 80\n",
        expected: &["Service default/s: spec.selector.app: label value \"-web\" is invalid"],
    },
    Case {
        name: "bad Service selector key",
        snippet: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector:\n    Example.COM/app: web\n  ports:\n  - port: 80\n",
        expected: &["Service default/s: spec.selector.Example.COM/app: label key \"Example.COM/app\" has an invalid prefix"],
    },
    Case {
        name: "Service selector that is not a map",
        snippet: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector: app=web\n  ports:\n  - port: 80\n",
        expected: &["Service default/s: spec.selector: invalid type"],
    },
    Case {
        name: "Service port out of range",
        snippet: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - name: a\n    port: 0\n  - name: b\n    port: 65536\n  - name: c\n    port: 65535\n",
        expected: &[
            "Service default/s: spec.ports[0].port: 0 is out of range 1-65535",
            "Service default/s: spec.ports[1].port: 65536 is out of range 1-65535",
        ],
    },
    Case {
        name: "Service targetPort out of range or badly named",
        snippet: "\
apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  ports:
  - name: a
    port: 80
    targetPort: 70000
  - name: b
    port: 81
    targetPort: \"0\"
  - name: c
    port: 82
    targetPort: Http
",
        expected: &[
            "Service default/s: spec.ports[0].targetPort: 70000 is out of range 1-65535",
            "Service default/s: spec.ports[1].targetPort: 0 is out of range 1-65535",
            "Service default/s: spec.ports[2].targetPort: \"Http\" is not a valid port name",
        ],
    },
    Case {
        name: "Service port protocol",
        snippet: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n    protocol: HTTP\n",
        expected: &["Service default/s: spec.ports[0].protocol: unknown protocol \"HTTP\""],
    },
    Case {
        name: "Service port names",
        snippet: "\
apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  ports:
  - name: http
    port: 80
  - port: 81
  - name: http
    port: 82
  - name: Web_UI
    port: 83
  - name: dup
    port: 80
",
        expected: &[
            "Service default/s: spec.ports[1].name: must be set when a Service has more than one port",
            "Service default/s: spec.ports[2].name: port name \"http\" is used twice",
            "Service default/s: spec.ports[3].name: \"Web_UI\" is not a valid name",
            "Service default/s: spec.ports[4].port: 80/TCP is given twice",
        ],
    },
    Case {
        name: "Service without ports",
        snippet: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector:\n    app: web\n",
        expected: &["Service default/s: spec.ports: a Service needs at least one port"],
    },
    Case {
        name: "NodePort outside the range of a Cluster given",
        snippet: "apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: story\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 8080\n",
        expected: &["Service default/s: spec.ports[0].nodePort: 8080 is outside the NodePort range 30000-32767"],
    },
    Case {
        name: "NodePort out of 1-65535",
        snippet: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 80\n    nodePort: 99999\n",
        expected: &["Service default/s: spec.ports[0].nodePort: 99999 is out of range 1-65535"],
    },
    Case {
        name: "NodePort outside a custom range",
        snippet: "\
apiVersion: netlab/v1
kind: Cluster
metadata:
  name: c
spec:
  nodePortRange: 31000-31999
---
apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  type: NodePort
  ports:
  - port: 80
    nodePort: 32000
",
        // The base's np holds 30080, outside this range too.
        expected: &[
            "Service default/np: spec.ports[0].nodePort: 30080 is outside the NodePort range 31000-31999",
            "Service default/s: spec.ports[0].nodePort: 32000 is outside the NodePort range 31000-31999",
        ],
    },
    Case {
        name: "duplicate NodePort",
        snippet: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 30080\n",
        expected: &["Service default/s: spec.ports[0].nodePort: duplicate NodePort 30080: Service default/np has it"],
    },
    Case {
        name: "duplicate NodePort inside one Service, same protocol",
        snippet: "\
apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  type: NodePort
  ports:
  - name: a
    port: 80
    nodePort: 31000
  - name: b
    port: 81
    nodePort: 31000
",
        expected: &["Service default/s: spec.ports[1].nodePort: duplicate NodePort 31000: Service default/s has it"],
    },
    Case {
        name: "NodePort on a ClusterIP Service",
        snippet: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n    nodePort: 31000\n",
        expected: &["Service default/s: spec.ports[0].nodePort: may only be set for NodePort or LoadBalancer Services, not ClusterIP"],
    },
    Case {
        name: "ClusterIP outside the service network",
        snippet: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  clusterIP: 10.4.0.1\n  ports:\n  - port: 80\n",
        expected: &["Service default/s: spec.clusterIP: 10.4.0.1 is outside the service network 10.3.240.0/20"],
    },
    Case {
        name: "ClusterIP is the service network's address",
        snippet: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  clusterIP: 10.3.240.0\n  ports:\n  - port: 80\n",
        expected: &["Service default/s: spec.clusterIP: 10.3.240.0 is outside the service network"],
    },
    Case {
        name: "ClusterIP syntax",
        snippet: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  clusterIP: 10.3.241\n  ports:\n  - port: 80\n",
        expected: &["Service default/s: spec.clusterIP: \"10.3.241\" is not an IP address"],
    },
    Case {
        name: "duplicate ClusterIP",
        snippet: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: other\nspec:\n  clusterIP: 10.3.241.152\n  ports:\n  - port: 80\n",
        expected: &["Service other/s: spec.clusterIP: duplicate IP 10.3.241.152: another Service has it"],
    },
    Case {
        name: "headless NodePort Service",
        snippet: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: NodePort\n  clusterIP: None\n  ports:\n  - port: 80\n",
        expected: &["Service default/s: spec.clusterIP: a NodePort Service cannot be headless"],
    },
    Case {
        name: "duplicate Service",
        snippet: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 81\n",
        expected: &["Service default/web: metadata.name: a Service of this name is given twice in this namespace"],
    },
    Case {
        name: "invalid Service name",
        snippet: "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1web\nspec:\n  ports:\n  - port: 80\n",
        expected: &["Service default/1web: metadata.name: \"1web\" is not a valid Service name"],
    },
    Case {
        name: "traffic policies",
        snippet: "\
apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  externalTrafficPolicy: Local
  ports:
  - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: t
spec:
  type: NodePort
  externalTrafficPolicy: Everywhere
  internalTrafficPolicy: Nearby
  ports:
  - port: 80
",
        expected: &[
            "Service default/s: spec.externalTrafficPolicy: Local may only be set for NodePort or LoadBalancer Services",
            "Service default/t: spec.externalTrafficPolicy: unknown policy \"Everywhere\"",
            "Service default/t: spec.internalTrafficPolicy: unknown policy \"Nearby\"",
        ],
    },
    Case {
        name: "session affinity",
        snippet: "\
apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 0
  ports:
  - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: t
spec:
  sessionAffinity: Sticky
  ports:
  - port: 80
",
        expected: &[
            "Service default/s: spec.sessionAffinityConfig.clientIP.timeoutSeconds: 0 is out of range 1-86400",
            "Service default/t: spec.sessionAffinity: unknown value \"Sticky\"",
        ],
    },
    Case {
        name: "health check NodePort (a Cluster given)",
        snippet: "\
apiVersion: netlab/v1
kind: Cluster
metadata:
  name: story
---
apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  type: NodePort
  healthCheckNodePort: 31001
  ports:
  - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: t
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  healthCheckNodePort: 30080
  ports:
  - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: u
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  healthCheckNodePort: 1234
  ports:
  - port: 80
",
        expected: &[
            "Service default/s: spec.healthCheckNodePort: may only be set for a LoadBalancer Service with externalTrafficPolicy Local",
            "Service default/t: spec.healthCheckNodePort: duplicate NodePort 30080: Service default/np has it",
            "Service default/u: spec.healthCheckNodePort: 1234 is outside the NodePort range 30000-32767",
        ],
    },
    Case {
        name: "external IPs, source ranges, loadBalancerIP and ingress syntax",
        snippet: "\
apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  type: LoadBalancer
  externalIPs:
  - 203.0.113.7
  - 203.0.113
  loadBalancerSourceRanges:
  - 192.0.2.0/24
  - 192.0.2.0/40
  loadBalancerIP: lb.example
  ports:
  - port: 80
status:
  loadBalancer:
    ingress:
    - ip: 198.51.100.300
",
        expected: &[
            "Service default/s: spec.externalIPs[1]: \"203.0.113\" is not an IP address",
            "Service default/s: spec.loadBalancerSourceRanges[1]: \"192.0.2.0/40\" is not a CIDR",
            "Service default/s: spec.loadBalancerIP: \"lb.example\" is not an IP address",
            "Service default/s: status.loadBalancer.ingress[0].ip: \"198.51.100.300\" is not an IP address",
        ],
    },
    Case {
        name: "load balancer IP that is a node's",
        snippet: "\
apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  type: LoadBalancer
  ports:
  - port: 80
status:
  loadBalancer:
    ingress:
    - ip: 10.100.0.3
",
        expected: &["Service default/s: status.loadBalancer.ingress: 10.100.0.3 is already Node node-2's address"],
    },
    Case {
        name: "several problems in one Service are all reported",
        snippet: "\
apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  type: NodePort
  clusterIP: 10.9.9.9
  selector:
    app: ok
  ports:
  - name: a
    port: 0
  - name: b
    port: 81
    nodePort: 30080
",
        expected: &[
            "Service default/s: spec.clusterIP: 10.9.9.9 is outside the service network",
            "Service default/s: spec.ports[0].port: 0 is out of range 1-65535",
            "Service default/s: spec.ports[1].nodePort: duplicate NodePort 30080: Service default/np has it",
        ],
    },
    // ---------------------------------------------------------------- EndpointSlice
    Case {
        name: "EndpointSlice without its Service label",
        snippet: "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: web-abc\naddressType: IPv4\nendpoints: []\n",
        expected: &["EndpointSlice default/web-abc: metadata.labels.kubernetes.io/service-name: is missing"],
    },
    Case {
        name: "EndpointSlice fields",
        snippet: "\
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-abc
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
endpoints:
- addresses: []
- addresses:
  - 10.0.1.999
- addresses:
  - 10.0.1.5
ports:
- name: http
  port: 0
- name: other
- name: udp
  port: 53
  protocol: QUIC
",
        expected: &[
            "EndpointSlice default/web-abc: endpoints[0].addresses: must have at least one address",
            "EndpointSlice default/web-abc: endpoints[1].addresses[0]: \"10.0.1.999\" is not an IP address",
            "EndpointSlice default/web-abc: ports[0].port: 0 is out of range 1-65535",
            "EndpointSlice default/web-abc: ports[1].port: is missing",
            "EndpointSlice default/web-abc: ports[2].protocol: unknown protocol \"QUIC\"",
        ],
    },
    Case {
        name: "duplicate EndpointSlice",
        snippet: "\
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-abc
  labels:
    kubernetes.io/service-name: web
endpoints: []
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-abc
  labels:
    kubernetes.io/service-name: web
endpoints: []
",
        expected: &["EndpointSlice default/web-abc: metadata.name: an EndpointSlice of this name is given twice"],
    },
    // ---------------------------------------------------------------- Route
    Case {
        name: "Route destination and next hop",
        snippet: "\
apiVersion: netlab/v1
kind: Route
metadata:
  name: a
spec:
  destination: 10.3.240.0/20/1
  nextHop: node-2
---
apiVersion: netlab/v1
kind: Route
metadata:
  name: b
spec:
  destination: 10.3.240.0/20
  nextHop: 192.168.1.1
---
apiVersion: netlab/v1
kind: Route
metadata:
  name: c
spec:
  destination: 10.3.240.0/20
  nextHop: Node 2!
---
apiVersion: netlab/v1
kind: Route
metadata:
  name: c
spec:
  destination: 10.3.240.0/20
  nextHop: node-2
",
        expected: &[
            "Route a: spec.destination: \"10.3.240.0/20/1\" is not a CIDR",
            "Route b: spec.nextHop: 192.168.1.1 is not on the node network 10.100.0.0/24",
            "Route c: spec.nextHop: \"Node 2!\" is neither a node name nor an IP address",
            "Route c: metadata.name: a Route of this name is given twice",
        ],
    },
];

/// Cases that change the address plan: loaded on their own, since the base's
/// addresses would not fit them.
const STANDALONE: &[Case] = &[
    Case {
        name: "Cluster node network too small",
        snippet: "apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  nodeCIDR: 10.100.0.0/30\n",
        expected: &["Cluster c: spec.nodeCIDR: 10.100.0.0/30 is too small for a node network (at most /29)"],
    },
    Case {
        name: "Cluster networks overlap",
        snippet: "apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  serviceCIDR: 10.100.0.0/20\n",
        expected: &["Cluster c: spec.serviceCIDR: 10.100.0.0/20 overlaps spec.nodeCIDR 10.100.0.0/24"],
    },
    Case {
        name: "Cluster pod network too small for a node",
        snippet: "apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  podCIDR: 10.0.1.0/31\n",
        expected: &["Cluster c: spec.podCIDR: 10.0.1.0/31 is too small for pods (at most /30)"],
    },
    Case {
        name: "a rejected node address is reported once, not also allocated",
        snippet: "\
apiVersion: netlab/v1
kind: Cluster
metadata:
  name: small
spec:
  nodeCIDR: 10.100.0.0/29
---
apiVersion: v1
kind: List
items:
- {kind: Node, metadata: {name: n2}, status: {addresses: [{type: InternalIP, address: 10.100.0.2}]}}
- {kind: Node, metadata: {name: n3}, status: {addresses: [{type: InternalIP, address: 10.100.0.3}]}}
- {kind: Node, metadata: {name: n4}, status: {addresses: [{type: InternalIP, address: 10.100.0.4}]}}
- {kind: Node, metadata: {name: n5}, status: {addresses: [{type: InternalIP, address: 10.100.0.5}]}}
- {kind: Node, metadata: {name: n6}, status: {addresses: [{type: InternalIP, address: 10.100.0.6}]}}
- {kind: Node, metadata: {name: n9}, status: {addresses: [{type: InternalIP, address: 10.100.0.9}]}}
",
        expected: &["Node n9: status.addresses[0].address: 10.100.0.9 is outside the node network 10.100.0.0/29"],
    },
    Case {
        name: "a rejected node pod CIDR is reported once, not also allocated",
        snippet: "\
apiVersion: netlab/v1
kind: Cluster
metadata:
  name: small
spec:
  podCIDR: 10.0.0.0/23
  nodePodCIDRMask: 24
---
apiVersion: v1
kind: List
items:
- {kind: Node, metadata: {name: a}, spec: {podCIDR: 10.0.0.0/24}}
- {kind: Node, metadata: {name: b}, spec: {podCIDR: 10.0.1.0/24}}
- {kind: Node, metadata: {name: c}, spec: {podCIDR: 10.0.2.0/24}}
",
        expected: &["Node c: spec.podCIDR: 10.0.2.0/24 is outside the cluster's pod network 10.0.0.0/23"],
    },
    Case {
        name: "more nodes than the node network holds",
        snippet: "\
apiVersion: netlab/v1
kind: Cluster
metadata:
  name: small
spec:
  nodeCIDR: 10.100.0.0/29
  podCIDR: 10.0.0.0/22
---
apiVersion: v1
kind: List
items:
- {kind: Node, metadata: {name: n1}}
- {kind: Node, metadata: {name: n2}}
- {kind: Node, metadata: {name: n3}}
- {kind: Node, metadata: {name: n4}}
- {kind: Node, metadata: {name: n5}}
- {kind: Node, metadata: {name: n6}}
",
        expected: &[
            "Node n6: status.addresses: no free address left in the node network 10.100.0.0/29",
            "Node n5: spec.podCIDR: no free /24 left in the pod network 10.0.0.0/22",
            "Node n6: spec.podCIDR: no free /24 left in the pod network 10.0.0.0/22",
        ],
    },
    Case {
        name: "more pods than a node's pod CIDR holds",
        snippet: "\
apiVersion: netlab/v1
kind: Cluster
metadata:
  name: small
spec:
  nodePodCIDRMask: 29
---
apiVersion: v1
kind: Node
metadata:
  name: only
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: many
spec:
  replicas: 6
  template:
    metadata:
      labels:
        app: many
",
        // A /29 holds 6 hosts; the bridge takes one.
        expected: &["Deployment default/many: spec.replicas: node only's pod CIDR has no free address left"],
    },
];

/// Matches each expected substring to a distinct problem.
fn unmatched<'a>(problems: &[Problem], expected: &[&'a str]) -> (Vec<&'a str>, Vec<String>) {
    let mut left: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let mut missing = Vec::new();
    for want in expected {
        match left.iter().position(|p| p.contains(want)) {
            Some(i) => {
                left.remove(i);
            }
            None => missing.push(*want),
        }
    }
    (missing, left)
}

#[test]
fn base_is_valid() {
    let loaded = model::load(BASE).unwrap_or_else(|e| panic!("base must load:\n{e}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.scenario.nodes.len(), 2);
    assert_eq!(loaded.scenario.services.len(), 2);
}

/// Loads each case and lists how the problems differ from the expected.
fn check_cases(cases: &[Case], base: &str) -> Vec<String> {
    let mut failures = Vec::new();
    for case in cases {
        let text = format!("{base}{}", case.snippet);
        match model::load(&text) {
            Ok(_) => failures.push(format!(
                "{}: loaded, expected errors {:?}",
                case.name, case.expected
            )),
            Err(errors) => {
                let (missing, extra) = unmatched(&errors.0, case.expected);
                if !missing.is_empty() || !extra.is_empty() {
                    failures.push(format!(
                        "{}:\n  missing: {missing:?}\n  unexpected: {extra:?}\n  all:\n{errors}",
                        case.name
                    ));
                }
                for p in &errors.0 {
                    // Never the base's valid objects (unless the case is
                    // about an object of the same name).
                    for valid in ["Node node-1:", "Pod default/web-1:", "Service default/web:"] {
                        let named = case.expected.iter().any(|e| e.starts_with(valid));
                        if p.to_string().starts_with(valid) && !named {
                            failures.push(format!("{}: reported a valid object: {p}", case.name));
                        }
                    }
                }
            }
        }
    }
    failures
}

#[test]
fn each_case_reports_exactly_its_problems() {
    let mut failures = check_cases(CASES, &format!("{BASE}---\n"));
    failures.extend(check_cases(STANDALONE, ""));
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_problem_names_its_object_and_field() {
    let all = CASES
        .iter()
        .map(|c| (BASE, c))
        .chain(STANDALONE.iter().map(|c| ("", c)));
    for (base, case) in all {
        let text = if base.is_empty() {
            case.snippet.to_string()
        } else {
            format!("{base}---\n{}", case.snippet)
        };
        let Err(errors) = model::load(&text) else {
            continue;
        };
        for p in &errors.0 {
            assert!(!p.object.is_empty(), "{}: {p:?}", case.name);
            assert!(!p.message.is_empty(), "{}: {p:?}", case.name);
            // Only whole-object problems (a document that is not an object, a
            // second Cluster) may omit the field.
            if p.field.is_empty() {
                assert!(
                    p.object.starts_with("document ") || p.object.contains(" in document "),
                    "{}: problem without a field: {p:?}",
                    case.name
                );
            }
        }
    }
}

#[test]
fn the_same_problems_come_from_resolve_as_from_load() {
    // `resolve` is what the UI's editors call: it must agree with `load`
    // on objects that parsed (those without document-level problems).
    let text = format!(
        "{BASE}---\n{}",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 30080\n"
    );
    let from_load = model::load(&text).unwrap_err();
    let objects = model::load(BASE).unwrap().scenario.to_objects();
    let mut objects = objects;
    objects.push(model::k8s::Object::Service(model::k8s::Service {
        metadata: model::k8s::ObjectMeta {
            name: Some("s".into()),
            ..Default::default()
        },
        spec: model::k8s::ServiceSpec {
            kind: Some("NodePort".into()),
            ports: vec![model::k8s::ServicePort {
                port: 80,
                node_port: Some(30080),
                ..Default::default()
            }],
            ..Default::default()
        },
        ..Default::default()
    }));
    let from_resolve = model::resolve(objects).unwrap_err();
    assert_eq!(from_load, from_resolve);
}

// -------------------------------------------------------------------- syntax

/// Syntax errors stop everything and name the line.
const SYNTAX: &[(&str, &str, &str)] = &[
    (
        "unclosed flow sequence",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels: [x\n",
        "line 5: invalid YAML",
    ),
    (
        "bad indentation in a later document",
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n labels: {}\n",
        "line 10: invalid YAML",
    ),
    (
        "duplicate key",
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n  name: n2\n",
        "line 5: invalid YAML: duplicate",
    ),
    (
        "unclosed quote",
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: \"n1\n",
        "line 4: invalid YAML",
    ),
    (
        "list item where a key belongs",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n    - port: 81\n",
        "line 8: invalid YAML",
    ),
    (
        "JSON with a missing comma",
        "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Node\"\n  \"metadata\": {}\n}\n",
        "line 4: invalid JSON",
    ),
    (
        "JSON truncated",
        "[\n  {\"apiVersion\": \"v1\", \"kind\": \"Node\",\n",
        "line 3: invalid JSON",
    ),
];

#[test]
fn syntax_errors_name_the_line() {
    for (name, text, want) in SYNTAX {
        let errors = model::load(text).expect_err(name);
        assert_eq!(errors.0.len(), 1, "{name}: {errors}");
        let shown = errors.0[0].to_string();
        assert!(
            shown.contains(want),
            "{name}: {shown:?} should contain {want:?}"
        );
    }
}

#[test]
fn empty_and_comment_only_input_is_an_empty_scenario() {
    for text in ["", "\n", "# nothing here\n", "---\n---\n", "[]"] {
        let loaded = model::load(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert!(loaded.scenario.nodes.is_empty() && loaded.scenario.services.is_empty());
    }
}

// -------------------------------------------------------------------- warnings

#[test]
fn what_is_not_modelled_is_a_warning_not_an_error() {
    let text = format!(
        "{BASE}---\n{}",
        "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  namespace: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: kube-system
---
apiVersion: v1
kind: Service
metadata:
  name: dns
spec:
  type: ExternalName
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ghost-1
  labels:
    kubernetes.io/service-name: ghost
endpoints:
- addresses:
  - 10.0.2.9
  nodeName: node-7
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-v6
  labels:
    kubernetes.io/service-name: web
addressType: IPv6
endpoints: []
"
    );
    let loaded = model::load(&text).unwrap_or_else(|e| panic!("{e}"));
    let shown: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    let expected = [
        "ConfigMap default/settings: ignored",
        "ConfigMap kube-system/settings: ignored",
        "Widget w: kind: unknown kind \"Widget\" ignored",
        "Widget shop/w: kind: unknown kind \"Widget\" ignored",
        "Service default/dns: spec.type: ExternalName Services are DNS only",
        "EndpointSlice default/ghost-1: metadata.labels.kubernetes.io/service-name: there is no Service default/ghost",
        "EndpointSlice default/ghost-1: endpoints[0].nodeName: there is no Node node-7",
        "EndpointSlice default/web-v6: addressType: IPv6 slices are not modelled",
    ];
    let problems = loaded.warnings.clone();
    let (missing, extra) = unmatched(&problems, &expected);
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, unexpected {extra:?}, all {shown:#?}"
    );
}

// -------------------------------------------------------------------- no panics

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of scenarios, so that random text is often nearly valid.
    const PIECES: &[&str] = &[
        "apiVersion: v1\n",
        "kind: Node\n",
        "kind: Pod\n",
        "kind: Service\n",
        "kind: List\n",
        "kind: EndpointSlice\n",
        "apiVersion: discovery.k8s.io/v1\n",
        "apiVersion: netlab/v1\nkind: Cluster\n",
        "apiVersion: netlab/v1\nkind: Route\n",
        "metadata:\n  name: x\n",
        "metadata:\n  name: node-1\n  labels:\n    app: web\n",
        "spec:\n  podCIDR: 10.0.1.0/24\n",
        "spec:\n  nodeName: node-1\n",
        "spec:\n  podCIDR: 10.0.0.0/31\n  nodeCIDR: 10.100.0.0/29\n",
        "spec:\n  serviceCIDR: 10.3.240.0/28\n  nodePortRange: 30000-30000\n",
        "spec:\n  nodePodCIDRMask: 32\n",
        "spec:\n  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 30000\n",
        "spec:\n  replicas: 1000\n  template:\n    metadata:\n      labels:\n        a: b\n",
        "spec:\n  destination: 0.0.0.0/0\n  nextHop: node-1\n",
        "status:\n  podIP: 10.0.1.2\n",
        "status:\n  addresses:\n  - type: InternalIP\n    address: 10.100.0.2\n",
        "items:\n- kind: Node\n  metadata:\n    name: n\n",
        "endpoints:\n- addresses: [10.0.1.2]\n",
        "---\n",
        "  - \n",
        "[\n",
        "{}\n",
        ": :\n",
        "\t\n",
        "\"\n",
        "null\n",
    ];

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 256,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn load_never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
            let _ = model::load(&text);
        }

        #[test]
        fn load_never_panics_on_shuffled_pieces(idx in proptest::collection::vec(0..PIECES.len(), 0..24)) {
            let text: String = idx.iter().map(|&i| PIECES[i]).collect();
            let _ = model::load(&text);
        }
    }
}

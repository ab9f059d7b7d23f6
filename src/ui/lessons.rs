//! The tutorial: the story of `seed/STORY.md` as lessons, in English and
//! Korean. Each lesson starts from a preset, asks the learner to do one
//! thing in the playground, and checks from the app's [`State`] (the
//! trace's structured fields, the scenario) that it was done and seen.
//! A check wants a trace the learner sent (`Run::sent`) and watched to
//! its verdict, so a lesson is never passed by loading it.

use super::editor::{self, Kind};
use super::i18n::{Lang, Text};
use super::state::{Action, ScenarioTitle, State};
use crate::engine::addressing;
use crate::engine::paths::{entry_node, Ending};
use crate::engine::request::Request;
use crate::engine::trace::{Hop, Leg, Place, Trace, Verdict};
use crate::linux::packet::Packet;
use crate::model::{NextHop, Node, Pod, Protocol, ProxyMode, Scenario, Service, TrafficPolicy};

/// One lesson.
pub struct Lesson {
    /// Stable: links (`?lesson=ID`) and saved progress refer to it.
    pub id: &'static str,
    pub title: Text,
    /// Paragraphs.
    pub body: &'static [Text],
    /// The preset the lesson starts from (`model::presets`).
    pub preset: &'static str,
    /// What the learner does in the playground.
    pub task: Text,
    /// The change the task asks for in the editor, if any: its values
    /// are named in the task (the tests make it through the editor's own
    /// forms), and the page opens the editor on its section.
    pub change: Option<Change>,
    /// What the check says once it passes.
    pub done: Text,
    /// True once the task is done and its result shown.
    pub check: fn(&State) -> bool,
    /// The hops that mattered, named under a passed check ("what you just
    /// saw"), found in the trace's own fields by [`what_you_saw`].
    pub saw: &'static [Mattered],
}

/// A change a task asks for, as the editor makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Fill in a section's "Add a ..." form: (field path, its label, value).
    Add(Kind, &'static [Field]),
    /// Edit one object of a section (`namespace/name`) and apply.
    Edit(Kind, &'static str, &'static [Field]),
    /// Remove a node (its Remove button under the drawing).
    RemoveNode(&'static str),
}

/// A form field a task names: its draft key, its label, the value to give.
pub type Field = (&'static str, Text, &'static str);

impl Change {
    /// The editor's section the change is made in (the lesson page opens
    /// the Edit tab on it); a node is removed under the drawing.
    pub fn section(self) -> Option<Kind> {
        match self {
            Change::Add(k, _) | Change::Edit(k, _, _) => Some(k),
            Change::RemoveNode(_) => None,
        }
    }
}

/// A kind of hop a lesson is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mattered {
    /// The request's destination rewritten (DNAT).
    Dnat,
    /// The request's source rewritten (masquerade).
    Snat,
    /// The reply's source turned back by conntrack.
    Unnat,
    /// The router's routing decision on the request's way.
    Route,
    /// The hop where a request that was not delivered ended.
    End,
}

const fn t(en: &'static str, ko: &'static str) -> Text {
    Text { en, ko }
}

pub const LESSONS: &[Lesson] = &[
    Lesson {
        id: "clusterip",
        title: t(
            "A pod reaches a Service through its ClusterIP",
            "파드는 ClusterIP로 서비스에 접근한다",
        ),
        body: &[
            t(
                "Applications talk in connections and requests: TCP at layer 4, HTTP or RPC at layer 7. The routers and netfilter rules that carry them decide on something smaller: single IP packets, by their layer 3 header. Every hop in this playground shows that header as it is at that point.",
                "애플리케이션은 연결과 요청으로 통신합니다. L4의 TCP, L7의 HTTP나 RPC가 그렇습니다. 하지만 이를 실어 나르는 라우터와 netfilter 규칙이 판단하는 기준은 그보다 작은 단위, 곧 IP 패킷의 L3 헤더입니다. 이 플레이그라운드의 홉마다 그 지점에서의 헤더가 그대로 표시됩니다.",
            ),
            t(
                "A Service gives a group of pods one stable address, the ClusterIP (here 10.3.241.152). Clients use it without knowing where the pods are; the Service's label selector decides which pods stand behind it.",
                "서비스는 여러 파드 앞에 변하지 않는 주소 하나, ClusterIP(여기서는 10.3.241.152)를 둡니다. 클라이언트는 파드가 어디 있는지 몰라도 이 주소로 접근하고, 어떤 파드가 그 뒤에 설지는 서비스의 레이블 셀렉터가 정합니다.",
            ),
            t(
                "No machine owns that address. When the client pod sends to it, netfilter on the client's own node rewrites the destination to one backend pod (DNAT), which may run on another node. From there it is ordinary routing: out of the node, through the VPC router, into the pod's node and across its cbr0 bridge.",
                "ClusterIP를 가진 장비는 어디에도 없습니다. 클라이언트 파드가 이 주소로 보내면, 클라이언트가 있는 노드의 netfilter가 목적지를 백엔드 파드 하나로 바꿉니다(DNAT). 그 파드는 다른 노드에 있을 수도 있습니다. 그다음은 평범한 라우팅입니다. 노드를 나와 VPC 라우터를 지나 파드가 있는 노드로 들어가고, cbr0 브리지를 거쳐 파드에 닿습니다.",
            ),
            t(
                "The reply comes back the same way. Conntrack remembers the rewrite and reverses it, so the client sees the answer come from the ClusterIP, not from the pod.",
                "응답도 같은 길로 돌아옵니다. conntrack이 앞서 바꾼 주소를 기억했다가 되돌리기 때문에, 클라이언트는 파드가 아니라 ClusterIP가 응답한 것으로 봅니다.",
            ),
        ],
        preset: "clusterip",
        task: t(
            "Press Send: From pod/client To svc/web:80 is filled in. Then follow the packet hop by hop: find the DNAT on node-1, and where the reply's address is turned back.",
            "보내기를 누르세요. 출발지 pod/client, 목적지 svc/web:80이 채워져 있습니다. 그다음 패킷을 홉마다 따라가며 node-1에서 일어나는 DNAT와, 응답의 주소가 되돌려지는 지점을 찾아보세요.",
        ),
        change: None,
        done: t(
            "Delivered to a backend pod, and the answer reached the client from the ClusterIP.",
            "백엔드 파드에 전달되었고, 응답은 ClusterIP에서 온 것으로 클라이언트에 도착했습니다.",
        ),
        check: check_clusterip,
        saw: &[Mattered::Dnat, Mattered::Unnat],
    },
    Lesson {
        id: "external-clusterip",
        title: t(
            "The ClusterIP works only inside the cluster",
            "ClusterIP는 클러스터 안에서만 통한다",
        ),
        body: &[
            t(
                "A ClusterIP works because netfilter on a node rewrites it to a pod's address (DNAT). A packet has to reach a node before any rule can rewrite it.",
                "ClusterIP가 동작하는 것은 노드의 netfilter가 그 주소를 파드의 주소로 바꾸기(DNAT) 때문입니다. 규칙이 패킷을 바꾸려면 먼저 패킷이 노드에 도착해야 합니다.",
            ),
            t(
                "Inside the cluster that comes for free: a pod's packets always leave through its own node. A client on the internet has no such node. Its packet goes to the VPC router, which knows the node network and each node's pod range, but nothing about the service range 10.3.240.0/20.",
                "클러스터 안에서는 이 조건이 저절로 채워집니다. 파드가 보낸 패킷은 언제나 자기 노드를 거쳐 나가니까요. 인터넷의 클라이언트에게는 그런 노드가 없습니다. 패킷은 VPC 라우터로 가는데, 라우터는 노드 네트워크와 노드별 파드 대역은 알아도 서비스 대역 10.3.240.0/20은 모릅니다.",
            ),
            t(
                "So the router drops the packet: it has no route. A ClusterIP only means something where kube-proxy's rules are.",
                "그래서 라우터는 경로가 없어 패킷을 버립니다. ClusterIP는 kube-proxy의 규칙이 있는 곳에서만 의미가 있는 주소입니다.",
            ),
        ],
        preset: "external-clusterip",
        task: t(
            "Press Send: From internet To the ClusterIP, svc/web:80, is filled in. Then read where the packet was dropped, and why.",
            "보내기를 누르세요. 출발지 internet, 목적지 ClusterIP(svc/web:80)가 채워져 있습니다. 그다음 패킷이 어디서 왜 버려졌는지 읽어 보세요.",
        ),
        change: None,
        done: t(
            "Dropped: nothing outside the nodes routes the service range.",
            "버려졌습니다. 노드 바깥에는 서비스 대역으로 가는 경로가 없습니다.",
        ),
        check: check_external_clusterip,
        saw: &[Mattered::End],
    },
    Lesson {
        id: "static-route",
        title: t("A static route to one node", "노드 하나로 가는 정적 경로"),
        body: &[
            t(
                "From the internet, a packet to a ClusterIP (here 10.3.241.152, in the service range 10.3.240.0/20) dies at the VPC router, which has no route for the service range. The first idea is to teach the router: a static route that sends the whole service range to one node. That node receives the packet, its netfilter rewrites the destination to a pod (DNAT), and the pod answers.",
                "인터넷에서 ClusterIP(여기서는 서비스 대역 10.3.240.0/20에 속한 10.3.241.152)로 가는 패킷은 VPC 라우터에서 버려집니다. 라우터에 서비스 대역으로 가는 경로가 없기 때문입니다. 가장 먼저 떠오르는 방법은 라우터에 길을 알려 주는 것입니다. 서비스 대역 전체를 노드 하나로 보내는 정적 경로를 추가하면, 그 노드가 패킷을 받아 netfilter로 목적지를 파드로 바꾸고(DNAT) 파드가 응답합니다.",
            ),
            t(
                "It works, and the address can even get a friendly DNS name. But look at where the traffic enters: every external connection goes through that one node, whichever pod serves it in the end.",
                "실제로 동작하고, 주소에 알기 쉬운 DNS 이름을 붙일 수도 있습니다. 하지만 트래픽이 어디로 들어오는지 보세요. 마지막에 어느 파드가 응답하든, 외부 연결은 모두 그 노드 하나를 거칩니다.",
            ),
            t(
                "Once it works, send many connections at once: the count by entry node shows a single node carrying all of them.",
                "연결이 되면 한 번에 여러 연결을 보내 보세요. 진입 노드별 집계에 노드가 하나만 나타납니다.",
            ),
        ],
        preset: "external-clusterip",
        task: t(
            "In the Edit tab's Static routes, fill in Add a Route: Name services-via-node-2, Destination (CIDR) 10.3.240.0/20, Next hop node-2, and press Add Route: the route appears in the VPC router's table. Then, in the Trace tab, press Send (From internet To svc/web:80).",
            "편집 탭의 정적 라우팅에서 라우트 추가 양식을 채우세요. 이름 services-via-node-2, 목적지 (CIDR) 10.3.240.0/20, 다음 홉 node-2를 넣고 라우트 추가를 누르면 VPC 라우터의 표에 경로가 나타납니다. 그다음 트레이스 탭에서 보내기를 누르세요(출발지 internet, 목적지 svc/web:80).",
        ),
        change: Some(Change::Add(
            Kind::Route,
            &[
                (editor::NAME, editor::NAME_L, "services-via-node-2"),
                (editor::DESTINATION, editor::DESTINATION_L, "10.3.240.0/20"),
                (editor::NEXT_HOP, editor::NEXT_HOP_L, "node-2"),
            ],
        )),
        done: t(
            "Delivered, entering through the node the route points at.",
            "전달되었습니다. 경로가 가리키는 노드를 거쳐 들어왔습니다.",
        ),
        check: check_static_route,
        saw: &[Mattered::Route, Mattered::Dnat],
    },
    Lesson {
        id: "node-removed",
        title: t("Nodes come and go", "노드는 언제든 사라진다"),
        body: &[
            t(
                "Nodes are not permanent. A cloud replaces a failed VM with a new one, an autoscaler adds and removes nodes, an upgrade drains and recreates them. Names and addresses change.",
                "노드는 영구적인 존재가 아닙니다. 클라우드는 고장 난 VM을 새 VM으로 바꾸고, 오토스케일러는 노드를 늘렸다 줄이며, 업그레이드는 노드를 비우고 새로 만듭니다. 이름도 주소도 바뀝니다.",
            ),
            t(
                "A static route that sends the service range to one node (here node-2) knows none of this. When its node goes away, the router still sends the service range there, and every external connection is lost while the other nodes and pods are perfectly healthy.",
                "서비스 대역을 노드 하나(여기서는 node-2)로 보내는 정적 경로는 이런 변화를 모릅니다. 경로가 가리키던 노드가 사라져도 라우터는 여전히 서비스 대역을 그쪽으로 보내고, 다른 노드와 파드가 멀쩡한데도 외부 연결은 모두 실패합니다.",
            ),
            t(
                "And as long as the node lives, it carries the whole load alone. Keeping routers outside the cluster in step with it is not Kubernetes' job; what is needed is something that spreads clients over whichever nodes exist.",
                "노드가 살아 있는 동안에는 모든 부하를 혼자 짊어집니다. 클러스터 밖의 라우터를 클러스터 변화에 맞춰 관리하는 것은 쿠버네티스의 일이 아닙니다. 지금 있는 노드들에 클라이언트를 나눠 주는 무언가가 필요합니다.",
            ),
        ],
        preset: "static-route",
        task: t(
            "Remove node-2, the node the route points at: press Remove beside node-2 under the drawing. Then press Send (From internet To svc/web:80).",
            "경로가 가리키는 노드 node-2를 제거하세요. 그림 아래 node-2 옆의 삭제를 누르면 됩니다. 그다음 보내기를 누르세요(출발지 internet, 목적지 svc/web:80).",
        ),
        change: Some(Change::RemoveNode("node-2")),
        done: t(
            "Dropped: the route points at a node that no longer exists.",
            "버려졌습니다. 경로가 더 이상 존재하지 않는 노드를 가리킵니다.",
        ),
        check: check_node_removed,
        saw: &[Mattered::End],
    },
    Lesson {
        id: "load-balancer",
        title: t(
            "A load balancer spreads clients over the nodes",
            "로드 밸런서가 클라이언트를 노드에 나눈다",
        ),
        body: &[
            t(
                "The usual answer is a load balancer. To do its job it needs three things: (a) a public IP for clients to connect to, (b) the nodes' addresses to spread the traffic over, and (c) a way to turn traffic arriving at a node into traffic for the Service.",
                "보통은 로드 밸런서로 해결합니다. 로드 밸런서가 제 역할을 하려면 세 가지가 필요합니다. (a) 클라이언트가 접속할 공인 IP, (b) 트래픽을 나눠 보낼 노드들의 주소, (c) 노드에 도착한 트래픽을 서비스로 넘기는 방법입니다.",
            ),
            t(
                "A Service of type LoadBalancer asks the cloud for all of them. Here the load balancer's public address is 198.51.100.10, and the cloud keeps its list of nodes current as nodes come and go.",
                "LoadBalancer 타입 서비스를 만들면 클라우드에 이것들을 모두 요청하게 됩니다. 여기서 로드 밸런서의 공인 주소는 198.51.100.10이고, 노드가 생기고 사라질 때마다 클라우드가 노드 목록을 갱신합니다.",
            ),
            t(
                "(a) and (b) are infrastructure the cloud provides. (c) is the hard part, and the next lessons look at it closely.",
                "(a)와 (b)는 클라우드가 제공하는 인프라로 해결됩니다. 어려운 것은 (c)이고, 다음 레슨에서 자세히 살펴봅니다.",
            ),
        ],
        preset: "load-balancer",
        task: t(
            "Press Send: From internet To the load balancer, 198.51.100.10:80, is filled in. Then press Send 1000 below it to send many connections at once, and see which nodes they enter.",
            "보내기를 누르세요. 출발지 internet, 목적지 로드 밸런서(198.51.100.10:80)가 채워져 있습니다. 그다음 아래의 1000개 보내기를 눌러 여러 연결을 한 번에 보내고, 어느 노드로 들어오는지 확인해 보세요.",
        ),
        change: None,
        done: t(
            "Delivered through the load balancer, and the connections entered more than one node.",
            "로드 밸런서를 거쳐 전달되었고, 연결이 여러 노드로 나뉘어 들어왔습니다.",
        ),
        check: check_load_balancer,
        saw: &[Mattered::Dnat],
    },
    Lesson {
        id: "nodeport-wrong-port",
        title: t(
            "A node's address with the Service port is refused",
            "노드 주소와 서비스 포트로는 연결되지 않는다",
        ),
        body: &[
            t(
                "A load balancer outside the cluster sends to the nodes' addresses. A node then has to hand that traffic to the Service. The obvious attempt is to send to a node's own address with the Service's port, such as 10.100.0.3:80. Here a host on the node network, 10.100.0.10, plays the load balancer.",
                "클러스터 밖의 로드 밸런서는 노드의 주소로 보냅니다. 그러면 노드가 그 트래픽을 서비스로 넘겨야 합니다. 가장 먼저 시도해 볼 만한 것은 노드 자신의 주소에 서비스 포트를 붙여 보내는 것입니다. 10.100.0.3:80처럼요. 여기서는 노드 네트워크의 호스트 10.100.0.10이 로드 밸런서 역할을 합니다.",
            ),
            t(
                "It fails. kube-proxy's rules pick out packets addressed to a Service; a node's address with port 80 matches none of them. The packet is simply delivered to the node itself, where no process listens on port 80, and the node refuses the connection.",
                "이 방법은 실패합니다. kube-proxy의 규칙은 서비스 주소로 향하는 패킷만 골라내고, 노드 주소와 80번 포트의 조합은 어느 규칙에도 걸리지 않습니다. 패킷은 그냥 노드 자신에게 전달되는데, 노드에는 80번 포트에서 기다리는 프로세스가 없으니 연결이 거부됩니다.",
            ),
            t(
                "The two networks do not meet by themselves: the Service addresses netfilter translates are one world, the node network is another. Something has to bridge them.",
                "두 네트워크는 저절로 만나지 않습니다. netfilter가 변환하는 서비스 주소와 노드 네트워크는 서로 다른 세계입니다. 둘을 이어 줄 다리가 필요합니다.",
            ),
        ],
        preset: "nodeport-wrong-port",
        task: t(
            "Press Send: From 10.100.0.10 To 10.100.0.3:80 is filled in. Then see which device answers, and how.",
            "보내기를 누르세요. 출발지 10.100.0.10, 목적지 10.100.0.3:80이 채워져 있습니다. 그다음 어느 장비가 어떻게 응답하는지 확인해 보세요.",
        ),
        change: None,
        done: t(
            "Refused: the packet reached the node itself, and nothing listens on that port.",
            "거부되었습니다. 패킷이 노드 자신에게 도착했지만 그 포트에서 기다리는 프로세스가 없습니다.",
        ),
        check: check_nodeport_wrong_port,
        saw: &[Mattered::End],
    },
    Lesson {
        id: "nodeport",
        title: t(
            "NodePort bridges the node network and the Service",
            "NodePort가 노드 네트워크와 서비스를 잇는다",
        ),
        body: &[
            t(
                "A node's address and a Service's address are two worlds: a packet to a node with the Service's port is simply refused. The bridge between them is the NodePort. For a Service of type NodePort, kube-proxy reserves a port from 30000-32767 (here 30080) on every node's address. Traffic to any node on that port is forwarded to the Service, and the ClusterIP keeps working as before.",
                "노드 주소와 서비스 주소는 서로 다른 세계입니다. 노드 주소에 서비스 포트로 보낸 패킷은 그냥 거부됩니다. 둘을 잇는 다리가 NodePort입니다. NodePort 타입 서비스를 만들면 kube-proxy가 30000-32767 범위의 포트 하나(여기서는 30080)를 모든 노드의 주소에 엽니다. 어느 노드든 이 포트로 들어온 트래픽은 서비스로 전달되고, ClusterIP도 이전처럼 동작합니다.",
            ),
            t(
                "The chosen pod may run on another node, so the entry node also rewrites the source to its own address (masquerade). The pod answers that node, the reply leaves the way it came in, and conntrack reverses both rewrites.",
                "선택된 파드는 다른 노드에 있을 수 있으므로, 트래픽이 들어온 노드는 출발지도 자기 주소로 바꿉니다(masquerade). 파드는 그 노드에 응답하고, 응답은 들어온 길로 나가며, conntrack이 두 변환을 모두 되돌립니다.",
            ),
            t(
                "A load balancer can now send to nodeIP:30080 on any node. Losing a node removes one entry point, not the Service.",
                "이제 로드 밸런서는 어느 노드든 nodeIP:30080으로 보내면 됩니다. 노드 하나가 사라지면 진입점 하나가 줄 뿐, 서비스가 사라지지는 않습니다.",
            ),
        ],
        preset: "nodeport",
        task: t(
            "Press Send: From 10.100.0.10 To node-2's NodePort, 10.100.0.3:30080, is filled in. Then compare the source the pod sees with the client's address.",
            "보내기를 누르세요. 출발지 10.100.0.10, 목적지 node-2의 NodePort(10.100.0.3:30080)가 채워져 있습니다. 그다음 파드가 보는 출발지 주소를 클라이언트 주소와 비교해 보세요.",
        ),
        change: None,
        done: t(
            "Delivered to a pod, which saw a node's address as the source, not the client's.",
            "파드에 전달되었습니다. 파드가 본 출발지는 클라이언트가 아니라 노드의 주소였습니다.",
        ),
        check: check_nodeport,
        saw: &[Mattered::Dnat, Mattered::Snat],
    },
    Lesson {
        id: "lb-traffic-policy",
        title: t(
            "Health checks and the client's address",
            "헬스 체크와 클라이언트 주소",
        ),
        body: &[
            t(
                "In a cloud, a LoadBalancer Service is a NodePort Service plus a load balancer the cloud sets up. The load balancer sends only to nodes that pass its health check, and what the check asks depends on the Service's externalTrafficPolicy.",
                "클라우드에서 LoadBalancer 서비스는 NodePort 서비스에 클라우드가 설정하는 로드 밸런서를 더한 것입니다. 로드 밸런서는 헬스 체크를 통과한 노드로만 트래픽을 보내는데, 무엇을 확인하는지는 서비스의 externalTrafficPolicy에 따라 다릅니다.",
            ),
            t(
                "With Cluster, the default, every Ready node passes. A node may hand the connection to a pod on another node, so it masquerades the source, and the pod sees a node's address instead of the client's (203.0.113.10 here).",
                "기본값인 Cluster에서는 Ready 상태인 노드가 모두 통과합니다. 노드는 연결을 다른 노드의 파드에 넘길 수 있으므로 출발지를 masquerade하고, 그래서 파드는 클라이언트 주소(여기서는 203.0.113.10) 대신 노드의 주소를 봅니다.",
            ),
            t(
                "With Local, a node sends external traffic only to its own pods. Nothing needs masquerading, and the pod sees the real client. Nodes without a ready pod of the Service must then be left out: kube-proxy answers on the Service's healthCheckNodePort with 200 where a local pod is ready and 503 elsewhere, and the load balancer follows.",
                "Local에서는 노드가 외부 트래픽을 자기 노드의 파드로만 보냅니다. masquerade가 필요 없으니 파드는 실제 클라이언트 주소를 봅니다. 그 대신 서비스의 준비된 파드가 없는 노드는 빠져야 합니다. kube-proxy는 서비스의 healthCheckNodePort에서 준비된 로컬 파드가 있으면 200, 없으면 503으로 응답하고, 로드 밸런서는 그 결과를 따릅니다.",
            ),
            t(
                "The price is balance: the load balancer splits traffic per node, not per pod. Here node-2 runs two pods and node-3 one, so with Local web-3 alone takes half of all connections, and node-1 gets none.",
                "대가는 균형입니다. 로드 밸런서는 파드가 아니라 노드 단위로 트래픽을 나눕니다. 여기서는 node-2에 파드가 둘, node-3에 하나 있으므로 Local에서는 web-3 혼자 전체 연결의 절반을 받고, node-1로는 아무것도 가지 않습니다.",
            ),
        ],
        preset: "lb-traffic-policy",
        task: t(
            "In the Edit tab's Services, press Edit beside default/web, set External traffic policy to Local and press Apply changes. Then, in the Trace tab, press Send (From internet To 198.51.100.10:80) and look at the source address the pod sees.",
            "편집 탭의 서비스에서 default/web 옆의 편집을 누르고, 외부 트래픽 정책을 Local로 바꾼 뒤 변경 적용을 누르세요. 그다음 트레이스 탭에서 보내기를 누르고(출발지 internet, 목적지 198.51.100.10:80) 파드가 보는 출발지 주소를 확인해 보세요.",
        ),
        change: Some(Change::Edit(
            Kind::Service,
            "default/web",
            &[(editor::ETP, editor::ETP_L, "Local")],
        )),
        done: t(
            "Delivered with the client's own address, through a node that runs a ready pod.",
            "클라이언트 주소 그대로 전달되었습니다. 준비된 파드가 있는 노드를 거쳤습니다.",
        ),
        check: check_lb_traffic_policy,
        saw: &[Mattered::Dnat],
    },
    Lesson {
        id: "no-endpoints",
        title: t("My Service has no endpoints", "서비스에 엔드포인트가 없다"),
        body: &[
            t(
                "A Service sends traffic only to its endpoints: the pods its selector matches that are also Ready. The EndpointSlice controller keeps that list, and kube-proxy writes one KUBE-SEP chain per endpoint. Here the list is empty, for two reasons at once.",
                "서비스는 엔드포인트로만 트래픽을 보냅니다. 엔드포인트는 셀렉터에 맞는 파드 가운데 Ready 상태인 것들입니다. EndpointSlice 컨트롤러가 이 목록을 관리하고, kube-proxy는 엔드포인트마다 KUBE-SEP 체인을 하나씩 만듭니다. 여기서는 이 목록이 비어 있는데, 이유가 두 가지입니다.",
            ),
            t(
                "The Service selects app=webapp, but the pods are labelled app=web: a selector matches labels exactly, so it matches nothing. And web-2 is not Ready (its readiness probe fails): even a matching selector leaves it out until it is.",
                "서비스의 셀렉터는 app=webapp인데 파드의 레이블은 app=web입니다. 셀렉터는 레이블이 정확히 같아야 맞으므로 아무 파드도 고르지 못합니다. 게다가 web-2는 Ready가 아닙니다(준비성 프로브가 실패하는 중). 셀렉터가 맞더라도 Ready가 될 때까지는 엔드포인트에서 빠집니다.",
            ),
            t(
                "With no endpoints, kube-proxy does not leave the ClusterIP silent: a REJECT rule in the filter table's KUBE-SERVICES chain answers at once, on the client's own node, with ICMP port unreachable. The client gets \"connection refused\" and no packet leaves the node. On a real cluster, kubectl get endpointslices -l kubernetes.io/service-name=web shows the same empty list.",
                "엔드포인트가 없어도 kube-proxy는 ClusterIP를 그냥 두지 않습니다. filter 테이블의 KUBE-SERVICES 체인에 있는 REJECT 규칙이 클라이언트의 노드에서 곧바로 ICMP port unreachable로 응답합니다. 클라이언트는 \"connection refused\"를 받고, 패킷은 노드를 떠나지도 않습니다. 실제 클러스터에서는 kubectl get endpointslices -l kubernetes.io/service-name=web으로 같은 빈 목록을 볼 수 있습니다.",
            ),
        ],
        preset: "no-endpoints",
        task: t(
            "Press Send (From pod/client To svc/web:80) and read why it is rejected. Then, in the Edit tab's Services, press Edit beside default/web, set Selector (k=v; blank = no selector) to app=web and press Apply changes. Back in the Trace tab, press Send again: which pod answers?",
            "보내기를 누르고(출발지 pod/client, 목적지 svc/web:80) 왜 거부되는지 읽어 보세요. 그다음 편집 탭의 서비스에서 default/web 옆의 편집을 누르고, 셀렉터 (k=v; 비우면 셀렉터 없음)를 app=web으로 바꾼 뒤 변경 적용을 누르세요. 트레이스 탭으로 돌아가 다시 보내기를 누르면 어느 파드가 응답할까요?",
        ),
        change: Some(Change::Edit(
            Kind::Service,
            "default/web",
            &[(editor::SELECTOR, editor::SELECTOR_L, "app=web")],
        )),
        done: t(
            "Delivered to a Ready pod: the selector now matches both pods, and the one that is not Ready is no endpoint.",
            "Ready인 파드에 전달되었습니다. 이제 셀렉터는 두 파드에 모두 맞지만, Ready가 아닌 파드는 엔드포인트가 아닙니다.",
        ),
        check: check_no_endpoints,
        saw: &[Mattered::Dnat],
    },
    Lesson {
        id: "ports",
        title: t(
            "port, targetPort and nodePort",
            "port, targetPort, nodePort의 차이",
        ),
        body: &[
            t(
                "A Service port has three numbers, and each belongs to a different place. port (here 80) is where the Service listens on its ClusterIP. targetPort (here the name http, the pods' containerPort 8080) is where the pod listens. nodePort (here 30080) is where every node listens on its own address.",
                "서비스 포트에는 숫자가 세 개 있고, 각각 속한 곳이 다릅니다. port(여기서는 80)는 서비스가 ClusterIP에서 받는 포트입니다. targetPort(여기서는 이름 http, 곧 파드의 containerPort 8080)는 파드가 받는 포트입니다. nodePort(여기서는 30080)는 모든 노드가 자기 주소에서 받는 포트입니다.",
            ),
            t(
                "kube-proxy's rules in the nat table map one to the other. KUBE-SERVICES matches ClusterIP:port and jumps to the Service's KUBE-SVC-… chain. KUBE-NODEPORTS matches :nodePort on a node's address and jumps to KUBE-EXT-…, which marks the packet for masquerade and jumps to the same KUBE-SVC-… chain. KUBE-SVC picks an endpoint, and that endpoint's KUBE-SEP-… chain rewrites the destination to the pod's address and targetPort (DNAT).",
                "이 숫자들을 서로 잇는 것은 nat 테이블에 있는 kube-proxy의 규칙입니다. KUBE-SERVICES는 ClusterIP:port를 골라 서비스의 KUBE-SVC-… 체인으로 점프합니다. KUBE-NODEPORTS는 노드 주소의 :nodePort를 골라 KUBE-EXT-…로 점프하는데, 이 체인은 패킷에 masquerade 표시를 한 뒤 같은 KUBE-SVC-… 체인으로 넘깁니다. KUBE-SVC가 엔드포인트 하나를 고르면, 그 엔드포인트의 KUBE-SEP-… 체인이 목적지를 파드의 주소와 targetPort로 바꿉니다(DNAT).",
            ),
            t(
                "So the pod never sees port or nodePort, only its targetPort. A request to the pod's own address goes straight to the targetPort, with no Service rule at all.",
                "그래서 파드는 port도 nodePort도 보지 못하고 targetPort만 봅니다. 파드 주소로 직접 보내는 요청은 서비스 규칙을 전혀 거치지 않고 곧장 targetPort로 갑니다.",
            ),
        ],
        preset: "ports",
        task: t(
            "Press Send (From pod/client To svc/web:80) and find the rules of the DNAT hop: KUBE-SERVICES, KUBE-SVC, KUBE-SEP. Then set To to node-2's NodePort, 10.100.0.3:30080, and press Send: the same KUBE-SVC and KUBE-SEP chains, reached through KUBE-NODEPORTS.",
            "보내기를 누르고(출발지 pod/client, 목적지 svc/web:80) DNAT 홉에서 KUBE-SERVICES, KUBE-SVC, KUBE-SEP 규칙을 찾아보세요. 그다음 목적지를 node-2의 NodePort인 10.100.0.3:30080으로 바꾸고 보내기를 누르세요. 같은 KUBE-SVC와 KUBE-SEP 체인에 이번에는 KUBE-NODEPORTS를 거쳐 도착합니다.",
        ),
        change: None,
        done: t(
            "Delivered through the NodePort: KUBE-NODEPORTS matched the nodePort, and KUBE-SEP rewrote it to the pod's targetPort.",
            "NodePort를 거쳐 전달되었습니다. KUBE-NODEPORTS가 nodePort를 골랐고, KUBE-SEP가 파드의 targetPort로 바꾸었습니다.",
        ),
        check: check_ports,
        saw: &[Mattered::Dnat],
    },
    Lesson {
        id: "one-pod",
        title: t(
            "Why does one pod get all my traffic?",
            "왜 파드 하나에만 트래픽이 몰릴까",
        ),
        body: &[
            t(
                "kube-proxy balances connections, not requests. The first packet of a connection goes through the Service's KUBE-SVC chain, whose statistic rules pick an endpoint at random (here each of three pods, a third of the time). Conntrack remembers that choice, and every later packet of the connection, both ways, follows the entry without reading the rules again.",
                "kube-proxy가 나누는 것은 요청이 아니라 연결입니다. 연결의 첫 패킷이 서비스의 KUBE-SVC 체인을 지나면서 statistic 규칙이 엔드포인트 하나를 무작위로 고릅니다(여기서는 파드 세 개가 각각 3분의 1 확률). conntrack이 그 선택을 기억하고, 그 뒤로 연결의 모든 패킷은 오가는 방향 모두 규칙을 다시 읽지 않고 이 기록을 따릅니다.",
            ),
            t(
                "So a client that keeps one connection open (HTTP keep-alive, gRPC, a database pool) and sends a thousand requests over it sends all of them to one pod, while a thousand new connections spread over all three. The fix is on the client's side: more connections, or a balancer that understands requests (an L7 proxy or a service mesh).",
                "그래서 연결 하나를 열어 둔 채(HTTP keep-alive, gRPC, 데이터베이스 커넥션 풀) 요청 천 개를 보내는 클라이언트는 전부 파드 하나로 보내고, 새 연결 천 개는 세 파드에 고루 퍼집니다. 해결책은 클라이언트 쪽에 있습니다. 연결을 늘리거나, 요청 단위로 나눌 줄 아는 밸런서(L7 프록시나 서비스 메시)를 두는 것입니다.",
            ),
            t(
                "A Service can also ask for stickiness on purpose: with sessionAffinity: ClientIP, kube-proxy adds recent-match rules to the KUBE-SVC and KUBE-SEP chains, and a client's new connections go back to the pod it had until timeoutSeconds (10800 by default) pass without one. To see it, press Edit beside default/web in the Edit tab's Services, set Session affinity to ClientIP, apply, and Send 1000 again: every connection after the first goes where the first went.",
                "서비스가 일부러 한 파드에 붙도록 할 수도 있습니다. sessionAffinity: ClientIP를 설정하면 kube-proxy가 KUBE-SVC와 KUBE-SEP 체인에 recent 규칙을 더하고, 한 클라이언트의 새 연결은 timeoutSeconds(기본 10800초) 동안 연결이 없을 때까지 처음 고른 파드로 돌아갑니다. 직접 보려면 편집 탭의 서비스에서 default/web 옆의 편집을 누르고 세션 어피니티를 ClientIP로 바꿔 적용한 뒤 1000개 보내기를 다시 누르세요. 첫 연결 뒤의 모든 연결이 첫 연결이 간 곳으로 갑니다.",
            ),
        ],
        preset: "one-pod",
        task: t(
            "Press Send (From pod/client To svc/web:80): one connection reaches one pod, and on the reply's way conntrack turns the answer around. Then press Send 1000 below it: a thousand new connections, each choosing again.",
            "보내기를 누르세요(출발지 pod/client, 목적지 svc/web:80). 연결 하나는 파드 하나에 도착하고, 응답이 돌아오는 길에서는 conntrack이 답을 되돌립니다. 그다음 아래의 1000개 보내기를 누르세요. 새 연결 천 개가 저마다 다시 고릅니다.",
        ),
        change: None,
        done: t(
            "One connection reached one pod; the new connections reached several.",
            "연결 하나는 파드 하나에, 새 연결들은 여러 파드에 도착했습니다.",
        ),
        check: check_one_pod,
        saw: &[Mattered::Dnat, Mattered::Unnat],
    },
    Lesson {
        id: "client-ip",
        title: t(
            "Where did my client's IP go?",
            "클라이언트 IP는 어디로 갔을까",
        ),
        body: &[
            t(
                "With externalTrafficPolicy Cluster, the default, any node takes a connection to a NodePort (or a load balancer) and may hand it to a pod on another node. For the answer to come back the same way, the node rewrites the source to its own address: KUBE-EXT marks the packet, KUBE-POSTROUTING masquerades it. The pod sees a node's address, and the client's is gone from its logs.",
                "externalTrafficPolicy가 기본값 Cluster이면 어느 노드든 NodePort(또는 로드 밸런서)로 온 연결을 받아 다른 노드의 파드에 넘길 수 있습니다. 응답이 같은 길로 돌아오도록 노드는 출발지를 자기 주소로 바꿉니다. KUBE-EXT가 패킷에 표시를 하고 KUBE-POSTROUTING이 masquerade합니다. 파드는 노드의 주소를 보게 되고, 로그에서 클라이언트 주소는 사라집니다.",
            ),
            t(
                "This happens even here, where the only pod runs on the node addressed, node-2: the source becomes 10.0.2.1, node-2's address on its pod bridge.",
                "유일한 파드가 요청받은 노드 node-2에 있는 이 경우에도 마찬가지입니다. 출발지는 node-2가 파드 브리지에서 쓰는 주소 10.0.2.1로 바뀝니다.",
            ),
            t(
                "With Local, a node sends external traffic only to its own pods and does not masquerade it: the pod sees the client's real address. The price is that a node without a ready pod of the Service drops the connection (KUBE-EXTERNAL-SERVICES: has no local endpoints), so clients must be sent only to nodes that have one. A load balancer's health check on healthCheckNodePort is there for that.",
                "Local에서는 노드가 외부 트래픽을 자기 노드의 파드로만 보내고 masquerade하지 않습니다. 파드는 클라이언트의 실제 주소를 봅니다. 대가는 서비스의 준비된 파드가 없는 노드가 연결을 버린다는 것입니다(KUBE-EXTERNAL-SERVICES: has no local endpoints). 그래서 클라이언트는 그런 파드가 있는 노드로만 보내야 하고, 로드 밸런서가 healthCheckNodePort로 헬스 체크를 하는 이유가 여기에 있습니다.",
            ),
        ],
        preset: "client-ip",
        task: t(
            "Press Send (From 10.100.0.10 To node-2's NodePort, 10.100.0.3:30080) and compare the source the pod sees with 10.100.0.10. Then, in the Edit tab's Services, press Edit beside default/web, set External traffic policy to Local and press Apply changes. In the Trace tab, press Send again; then try node-3's, 10.100.0.4:30080.",
            "보내기를 누르고(출발지 10.100.0.10, 목적지 node-2의 NodePort 10.100.0.3:30080) 파드가 보는 출발지를 10.100.0.10과 비교해 보세요. 그다음 편집 탭의 서비스에서 default/web 옆의 편집을 누르고, 외부 트래픽 정책을 Local로 바꾼 뒤 변경 적용을 누르세요. 트레이스 탭에서 다시 보내기를 누르고, node-3의 10.100.0.4:30080으로도 보내 보세요.",
        ),
        change: Some(Change::Edit(
            Kind::Service,
            "default/web",
            &[(editor::ETP, editor::ETP_L, "Local")],
        )),
        done: t(
            "Delivered with the client's own address: with Local, nothing masqueraded it.",
            "클라이언트 주소 그대로 전달되었습니다. Local에서는 아무도 masquerade하지 않았습니다.",
        ),
        check: check_client_ip,
        saw: &[Mattered::Dnat],
    },
    Lesson {
        id: "hairpin",
        title: t(
            "A pod reaches itself through its own Service",
            "파드가 자기 서비스를 거쳐 자신에게 닿다",
        ),
        body: &[
            t(
                "A pod that calls its own Service can be picked as the endpoint: kube-proxy does not leave the caller out. Here web-1 is the only pod, so it always is. The packet leaves the pod for its node, is rewritten to 10.0.2.2:8080 (DNAT) and turns back into the same pod: a hairpin.",
                "자기 서비스를 호출한 파드가 엔드포인트로 뽑힐 수도 있습니다. kube-proxy는 호출한 파드를 후보에서 빼지 않습니다. 여기서는 web-1이 유일한 파드라 언제나 뽑힙니다. 패킷은 파드를 나와 노드로 가서 10.0.2.2:8080으로 바뀌고(DNAT), 같은 파드로 되돌아 들어갑니다. 이것을 헤어핀이라고 합니다.",
            ),
            t(
                "Left at that, the pod would receive a packet from its own address and answer itself inside the pod, where no conntrack entry turns the answer back into the ClusterIP: the connection would hang. So every KUBE-SEP chain starts with a rule for exactly this case: a source equal to the endpoint's own address (-s 10.0.2.2) jumps to KUBE-MARK-MASQ, and POSTROUTING masquerades the packet to the node's bridge address, 10.0.2.1.",
                "이대로라면 파드는 자기 주소에서 온 패킷을 받고 파드 안에서 곧바로 자신에게 응답합니다. 그 응답을 ClusterIP로 되돌려 줄 conntrack 기록이 없으니 연결은 멈춰 버립니다. 그래서 KUBE-SEP 체인은 모두 바로 이 경우를 위한 규칙으로 시작합니다. 출발지가 엔드포인트 자신의 주소(-s 10.0.2.2)이면 KUBE-MARK-MASQ로 점프하고, POSTROUTING이 출발지를 노드의 브리지 주소 10.0.2.1로 바꿉니다(masquerade).",
            ),
            t(
                "The pod sees the connection come from 10.0.2.1 and answers the node, where conntrack turns both addresses back: the pod, as the client, gets its answer from the ClusterIP. (The frame leaves the bridge by the port it came in on; kubelet's hairpin mode allows that.)",
                "파드는 연결이 10.0.2.1에서 온 것으로 보고 노드에 응답하며, 노드의 conntrack이 두 주소를 모두 되돌립니다. 그래서 클라이언트로서의 파드는 ClusterIP에서 온 응답을 받습니다. (프레임이 들어온 브리지 포트로 다시 나가야 하는데, kubelet의 헤어핀 모드가 이를 허용합니다.)",
            ),
        ],
        preset: "hairpin",
        task: t(
            "Press Send: From pod/web-1 To its own Service, svc/web:80, is filled in. Then find the KUBE-SEP rule with -s 10.0.2.2, the masquerade, and the source the pod sees.",
            "보내기를 누르세요. 출발지 pod/web-1, 목적지 자기 서비스 svc/web:80이 채워져 있습니다. 그다음 -s 10.0.2.2가 붙은 KUBE-SEP 규칙과 masquerade, 그리고 파드가 보는 출발지를 찾아보세요.",
        ),
        change: None,
        done: t(
            "Delivered to the pod that sent it, from its node's address, and answered from the ClusterIP.",
            "보낸 파드 자신에게 노드의 주소로 전달되었고, 응답은 ClusterIP에서 왔습니다.",
        ),
        check: check_hairpin,
        saw: &[Mattered::Dnat, Mattered::Snat, Mattered::Unnat],
    },
    Lesson {
        id: "nftables",
        title: t(
            "What changes when the cluster switches to nftables",
            "클러스터를 nftables 모드로 바꾸면 달라지는 것",
        ),
        body: &[
            t(
                "kube-proxy has a second dataplane: nftables mode, generally available since Kubernetes 1.33 and where kube-proxy is heading. Instead of long chains of rules it writes one table, ip kube-proxy, with verdict maps keyed by address and port. For most traffic nothing changes that a user can see: the same Services answer, with the same DNAT and masquerade.",
                "kube-proxy에는 두 번째 데이터플레인이 있습니다. 쿠버네티스 1.33부터 정식 기능(GA)이 된 nftables 모드로, kube-proxy가 앞으로 나아갈 방향이기도 합니다. 긴 규칙 사슬 대신 주소와 포트를 키로 하는 verdict map을 담은 ip kube-proxy 테이블 하나를 씁니다. 대부분의 트래픽에서는 사용자가 볼 수 있는 차이가 없습니다. 같은 서비스가 같은 DNAT와 masquerade로 응답합니다.",
            ),
            t(
                "A few things do change. A packet to a ClusterIP on a port the Service does not have is rejected at once (ICMP port unreachable) by the cluster-ips-check chain; in iptables mode no rule matches it, and it goes on toward the default gateway and is lost. NodePorts answer only on the node's nodePortAddresses, by default its primary address: not on 127.0.0.1, where iptables mode accepts them (with route_localnet), nor on the node's other addresses.",
                "몇 가지는 달라집니다. 서비스에 없는 포트로 ClusterIP에 보낸 패킷은 cluster-ips-check 체인이 곧바로 거부합니다(ICMP port unreachable). iptables 모드에서는 맞는 규칙이 없어서 패킷이 기본 게이트웨이 쪽으로 나가다 사라집니다. 또 NodePort는 노드의 nodePortAddresses, 기본값으로는 노드의 주 주소에서만 응답합니다. iptables 모드가 route_localnet으로 받아 주던 127.0.0.1에서도, 노드의 다른 주소에서도 응답하지 않습니다.",
            ),
            t(
                "A cluster usually moves node by node. Here every node runs iptables mode; the label netlab.dev/kube-proxy-mode=nftables switches one node alone, as its kube-proxy restarted in the new mode would.",
                "클러스터는 보통 노드 하나씩 옮겨 갑니다. 여기서는 모든 노드가 iptables 모드로 동작하고, 노드에 netlab.dev/kube-proxy-mode=nftables 레이블을 붙이면 그 노드만 새 모드로 다시 시작한 kube-proxy처럼 바뀝니다.",
            ),
        ],
        preset: "nftables",
        task: t(
            "Press Send (From pod/client To 10.3.241.152:8080, a port the Service web does not have) and see where it is lost. Then, in the Edit tab's Nodes, press Edit beside node-1, set Labels (k=v, k2=v2) to netlab.dev/kube-proxy-mode=nftables and press Apply changes. In the Trace tab, press Send again.",
            "보내기를 누르고(출발지 pod/client, 목적지 서비스 web에 없는 포트인 10.3.241.152:8080) 패킷이 어디서 사라지는지 확인하세요. 그다음 편집 탭의 노드에서 node-1 옆의 편집을 누르고, 레이블 (k=v, k2=v2)을 netlab.dev/kube-proxy-mode=nftables로 바꾼 뒤 변경 적용을 누르세요. 트레이스 탭에서 다시 보내기를 누르세요.",
        ),
        change: Some(Change::Edit(
            Kind::Node,
            "node-1",
            &[(
                "metadata.labels",
                editor::LABELS_L,
                "netlab.dev/kube-proxy-mode=nftables",
            )],
        )),
        done: t(
            "Rejected on the client's own node: in nftables mode, a port the Service does not have is refused at once.",
            "클라이언트의 노드에서 거부되었습니다. nftables 모드에서는 서비스에 없는 포트가 곧바로 거부됩니다.",
        ),
        check: check_nftables,
        saw: &[Mattered::End],
    },
    Lesson {
        id: "ping",
        title: t("I can't ping my ClusterIP", "ClusterIP에 ping이 안 된다"),
        body: &[
            t(
                "The first test of a new Service is often ping. It fails, and the Service is fine: a ClusterIP is no device's address. No interface holds it and nothing listens on it; it exists only as rules in each node's netfilter.",
                "새 서비스를 만들면 먼저 ping부터 해 보곤 합니다. ping은 실패하지만 서비스에는 아무 문제가 없습니다. ClusterIP는 어느 장비의 주소도 아니기 때문입니다. 이 주소를 가진 인터페이스도, 이 주소에서 기다리는 프로세스도 없습니다. 각 노드의 netfilter에 규칙으로만 존재합니다.",
            ),
            t(
                "Those rules match the Service's own protocols and ports: here TCP port 80. An ICMP echo request matches none of them, so nothing rewrites it. The node routes it on like any other packet, toward its default gateway, and the VPC router, which has no route for the service range, drops it. No answer comes back.",
                "그 규칙은 서비스가 가진 프로토콜과 포트만 고릅니다. 여기서는 TCP 80번 포트입니다. ICMP echo 요청은 어느 규칙에도 맞지 않으니 아무도 바꾸지 않습니다. 노드는 여느 패킷처럼 기본 게이트웨이 쪽으로 보내고, 서비스 대역으로 가는 경로가 없는 VPC 라우터가 패킷을 버립니다. 응답은 오지 않습니다.",
            ),
            t(
                "To test a Service, connect to its port (curl, nc -zv); to test a pod, ping its own address, which answers. In nftables mode the ping fails faster: kube-proxy rejects traffic to a ClusterIP that matches none of its ports.",
                "서비스를 확인하려면 포트로 연결해 보세요(curl, nc -zv). 파드는 자기 주소로 ping하면 응답합니다. nftables 모드에서는 ping이 더 빨리 실패합니다. kube-proxy가 ClusterIP로 온 트래픽 가운데 어느 포트에도 맞지 않는 것을 거부하기 때문입니다.",
            ),
        ],
        preset: "ping",
        task: t(
            "Press Send (From pod/client To 10.3.241.152:80): TCP to the Service's port is delivered. Then set Protocol to ICMP (ping), To to 10.3.241.152 and press Send, and find where the ping is lost.",
            "보내기를 누르세요(출발지 pod/client, 목적지 10.3.241.152:80). 서비스 포트로 보낸 TCP는 전달됩니다. 그다음 프로토콜을 ICMP (핑)으로, 목적지를 10.3.241.152로 바꾸고 보내기를 누른 뒤 ping이 어디서 사라지는지 찾아보세요.",
        ),
        change: None,
        done: t(
            "Lost: no rule matched the ping, and the router had no route for the ClusterIP.",
            "사라졌습니다. ping에 맞는 규칙이 없었고, 라우터에는 ClusterIP로 가는 경로가 없었습니다.",
        ),
        check: check_ping,
        saw: &[Mattered::End],
    },
];

/// What starts a lesson (and starts it over): its preset's scenario,
/// the request filled in, nothing traced, under the lesson's title.
pub fn begin(l: &'static Lesson) -> Action {
    Action::Begin {
        preset: l.preset.into(),
        title: ScenarioTitle::Lesson(l.id),
    }
}

/// A lesson's state when its page opens (nothing to undo).
pub fn start(l: &'static Lesson) -> State {
    State::begin(l.preset, ScenarioTitle::Lesson(l.id))
}

/// The lesson with this id, and its place in [`LESSONS`].
pub fn lesson(id: &str) -> Option<(usize, &'static Lesson)> {
    LESSONS.iter().enumerate().find(|(_, l)| l.id == id)
}

/// "Lesson 3. A static route to one node": a lesson's title with its
/// number (`index` is its place in [`LESSONS`]), as the preset menu, the
/// scenario's heading and the lesson page say it.
pub fn numbered(index: usize, title: Text, lang: Lang) -> String {
    format!(
        "{} {}. {}",
        LESSON_WORD.get(lang),
        index + 1,
        title.get(lang)
    )
}

const LESSON_WORD: Text = t("Lesson", "레슨");

/// A hop that mattered, and its place in the trace (0-based).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Saw<'a> {
    pub what: Mattered,
    pub index: usize,
    pub hop: &'a Hop,
}

/// The hops a lesson is about, found in a trace's fields (where an address
/// changed, the router's hop, where the packet ended); those the trace
/// does not have are left out.
pub fn what_you_saw<'a>(l: &Lesson, t: &'a Trace) -> Vec<Saw<'a>> {
    let on = |leg: Leg| t.hops.iter().enumerate().filter(move |(_, h)| h.leg == leg);
    l.saw
        .iter()
        .filter_map(|&what| {
            let found = match what {
                Mattered::Dnat => on(Leg::Request).find(|(_, h)| h.after.dst != h.before.dst),
                Mattered::Snat => on(Leg::Request).find(|(_, h)| h.after.src != h.before.src),
                Mattered::Unnat => on(Leg::Reply).find(|(_, h)| h.after.src != h.before.src),
                Mattered::Route => on(Leg::Request)
                    .find(|(_, h)| h.device.starts_with("router/") && h.at == Place::Routing),
                Mattered::End if t.verdict != Verdict::Delivered => on(Leg::Request).next_back(),
                Mattered::End => None,
            };
            found.map(|(index, hop)| Saw { what, index, hop })
        })
        .collect()
}

const SAW_DNAT: Text = t("Destination rewritten (DNAT)", "목적지 변환(DNAT)");
const SAW_SNAT: Text = t("Source rewritten (masquerade)", "출발지 변환(masquerade)");
const SAW_UNNAT: Text = t(
    "The reply's source turned back (conntrack)",
    "응답의 출발지 복원(conntrack)",
);
const SAW_ROUTE: Text = t("The router's route", "라우터의 경로");
const SAW_END: Text = t("Where it ended", "끝난 곳");
const HOP_WORD: Text = t("hop", "홉");

impl Saw<'_> {
    /// What it was, in a few words.
    pub fn head(&self, lang: Lang) -> &'static str {
        match self.what {
            Mattered::Dnat => SAW_DNAT,
            Mattered::Snat => SAW_SNAT,
            Mattered::Unnat => SAW_UNNAT,
            Mattered::Route => SAW_ROUTE,
            Mattered::End => SAW_END,
        }
        .get(lang)
    }

    /// Where: `hop 7, node/node-1, nat OUTPUT`.
    pub fn place(&self, lang: Lang) -> String {
        format!(
            "{} {}, {}, {}",
            HOP_WORD.get(lang),
            self.index + 1,
            self.hop.device,
            self.hop.at
        )
    }

    /// What changed or decided: the addresses before and after and the
    /// chain of the rule that did it, or the route, or the engine's
    /// sentence for the hop where it ended.
    pub fn detail(&self, lang: Lang) -> String {
        let h = self.hop;
        let chain = h
            .rules
            .last()
            .map(|r| format!(" ({} {})", r.table, r.chain))
            .unwrap_or_default();
        match self.what {
            Mattered::Dnat => format!("{} \u{2192} {}{chain}", h.before.dst, h.after.dst),
            Mattered::Snat | Mattered::Unnat => {
                format!("{} \u{2192} {}{chain}", h.before.src, h.after.src)
            }
            Mattered::Route => h.decision_in(lang),
            Mattered::End => h.note_in(lang),
        }
    }
}

// ------------------------------------------------------------ checks

/// The trace the learner sent and watched to its verdict, with the
/// connection's first packet as the client sent it.
fn seen(s: &State) -> Option<(&Trace, Packet)> {
    let run = s.run.as_ref()?;
    if !run.sent || !run.at_end() {
        return None;
    }
    let t = run.trace.as_ref().ok()?;
    Some((t, t.hops.first()?.before))
}

fn to_cluster_ip(s: &Scenario, p: &Packet) -> bool {
    addressing::is_cluster_ip(s, p.dst)
}

/// From outside the cluster's networks (the internet).
fn from_outside(s: &Scenario, p: &Packet) -> bool {
    addressing::is_outside(s, p.src_ip())
}

fn to_load_balancer<'a>(s: &'a Scenario, p: &Packet) -> Option<&'a Service> {
    addressing::load_balancer_of(s, p.dst)
}

fn node_at(s: &Scenario, p: &Packet) -> bool {
    addressing::is_node_address(s, p.dst_ip())
}

/// The node a route's next hop names, if it exists.
fn hop_node<'a>(s: &'a Scenario, hop: &NextHop) -> Option<&'a Node> {
    match hop {
        NextHop::Node(n) => s.node(n),
        NextHop::Ip(ip) => s.nodes.iter().find(|n| n.internal_ip == *ip),
    }
}

fn check_clusterip(s: &State) -> bool {
    let Some((t, p)) = seen(s) else { return false };
    let sc = &s.scenario;
    sc.pods.iter().any(|x| x.ip == Some(p.src_ip()))
        && to_cluster_ip(sc, &p)
        && t.succeeded()
        && t.delivered_to
            .as_deref()
            .is_some_and(|d| d.starts_with("pod/"))
        && t.reply
            .as_ref()
            .and_then(|r| r.client_sees.as_ref())
            .is_some_and(|c| c.src == p.dst)
}

fn check_external_clusterip(s: &State) -> bool {
    let Some((t, p)) = seen(s) else { return false };
    from_outside(&s.scenario, &p) && to_cluster_ip(&s.scenario, &p) && t.verdict == Verdict::Dropped
}

fn check_static_route(s: &State) -> bool {
    let Some((t, p)) = seen(s) else { return false };
    let sc = &s.scenario;
    from_outside(sc, &p)
        && to_cluster_ip(sc, &p)
        && t.succeeded()
        && sc.routes.iter().any(|r| {
            r.destination.contains(&p.dst_ip())
                && hop_node(sc, &r.next_hop).is_some_and(|n| entry_node(t) == Some(n.name.as_str()))
        })
}

fn check_node_removed(s: &State) -> bool {
    let Some((t, p)) = seen(s) else { return false };
    let sc = &s.scenario;
    from_outside(sc, &p)
        && to_cluster_ip(sc, &p)
        && t.verdict == Verdict::Dropped
        && sc
            .routes
            .iter()
            .any(|r| r.destination.contains(&p.dst_ip()) && hop_node(sc, &r.next_hop).is_none())
}

fn check_load_balancer(s: &State) -> bool {
    let Some((t, p)) = seen(s) else { return false };
    let sc = &s.scenario;
    let Some(spread) = &s.spread else {
        return false;
    };
    // "Send N" went to the same place, and entered more than one node.
    let same = Request::parse(sc, &spread.spec.from, &spread.spec.to, spread.spec.proto)
        .is_ok_and(|r| r.to == p.dst);
    let entries = spread
        .sample
        .entries
        .iter()
        .filter(|r| r.count > 0 && sc.node(&r.label).is_some())
        .count();
    from_outside(sc, &p)
        && to_load_balancer(sc, &p).is_some()
        && t.succeeded()
        && same
        && entries >= 2
}

fn check_nodeport_wrong_port(s: &State) -> bool {
    let Some((t, p)) = seen(s) else { return false };
    let sc = &s.scenario;
    node_at(sc, &p)
        && sc.services.iter().any(|v| {
            v.ports
                .iter()
                .any(|sp| sp.port == p.dst.port() && sp.node_port != Some(sp.port))
        })
        && t.verdict == Verdict::Refused
}

fn check_nodeport(s: &State) -> bool {
    let Some((t, p)) = seen(s) else { return false };
    let sc = &s.scenario;
    node_at(sc, &p)
        && sc.services.iter().any(|v| {
            v.kind.has_node_ports() && v.ports.iter().any(|sp| sp.node_port == Some(p.dst.port()))
        })
        && t.succeeded()
        && t.delivered_to
            .as_deref()
            .is_some_and(|d| d.starts_with("pod/"))
        && t.server_sees
            .is_some_and(|seen| seen.src.ip() != p.src.ip())
}

fn check_lb_traffic_policy(s: &State) -> bool {
    let Some((t, p)) = seen(s) else { return false };
    let sc = &s.scenario;
    from_outside(sc, &p)
        && to_load_balancer(sc, &p).is_some_and(|v| {
            v.external_traffic_policy == TrafficPolicy::Local && v.health_check_node_port.is_some()
        })
        && t.succeeded()
        && t.server_sees
            .is_some_and(|seen| seen.src.ip() == p.src.ip())
}

/// The Service whose ClusterIP is `p`'s destination address (any port).
fn service_at<'a>(s: &'a Scenario, p: &Packet) -> Option<&'a Service> {
    s.services.iter().find(|v| v.cluster_ip == Some(p.dst_ip()))
}

/// The pod a trace delivered to (`pod/NAME`), in the default namespace or
/// any.
fn delivered_pod<'a>(s: &'a Scenario, t: &Trace) -> Option<&'a Pod> {
    let name = t.delivered_to.as_deref()?.strip_prefix("pod/")?;
    let name = name.rsplit('/').next()?;
    s.pods.iter().find(|x| x.name == name)
}

/// The chains of every rule that matched on the request's way.
fn request_chains(t: &Trace) -> impl Iterator<Item = &str> + '_ {
    t.hops
        .iter()
        .filter(|h| h.leg == Leg::Request)
        .flat_map(|h| h.rules.iter().map(|r| r.chain.as_str()))
}

fn check_no_endpoints(s: &State) -> bool {
    let Some((t, p)) = seen(s) else { return false };
    let sc = &s.scenario;
    let Some(v) = service_at(sc, &p) else {
        return false;
    };
    let selects = |x: &Pod| {
        v.selector
            .as_ref()
            .is_some_and(|sel| crate::model::selects(sel, &x.labels))
    };
    // The Service now selects a pod that is not Ready, and the connection
    // went to one that is.
    to_cluster_ip(sc, &p)
        && sc.pods.iter().any(|x| selects(x) && !x.ready)
        && t.succeeded()
        && delivered_pod(sc, t).is_some_and(|x| selects(x) && x.ready)
}

fn check_ports(s: &State) -> bool {
    let Some((t, p)) = seen(s) else { return false };
    let sc = &s.scenario;
    let Some(seen_by_pod) = t.server_sees else {
        return false;
    };
    node_at(sc, &p)
        && sc.services.iter().any(|v| {
            v.kind.has_node_ports() && v.ports.iter().any(|sp| sp.node_port == Some(p.dst.port()))
        })
        && t.succeeded()
        && request_chains(t).any(|c| c == "KUBE-NODEPORTS")
        && request_chains(t).any(|c| c.starts_with("KUBE-SVC-"))
        && request_chains(t).any(|c| c.starts_with("KUBE-SEP-"))
        && seen_by_pod.dst.port() != p.dst.port()
}

fn check_one_pod(s: &State) -> bool {
    let Some((t, p)) = seen(s) else { return false };
    let sc = &s.scenario;
    let Some(spread) = &s.spread else {
        return false;
    };
    let same = Request::parse(sc, &spread.spec.from, &spread.spec.to, spread.spec.proto)
        .is_ok_and(|r| r.to == p.dst);
    let pods = spread
        .sample
        .outcomes
        .iter()
        .filter(|r| r.count > 0 && matches!(&r.label, Ending::At(d) if d.starts_with("pod/")))
        .count();
    to_cluster_ip(sc, &p) && t.succeeded() && delivered_pod(sc, t).is_some() && same && pods >= 2
}

fn check_client_ip(s: &State) -> bool {
    let Some((t, p)) = seen(s) else { return false };
    let sc = &s.scenario;
    node_at(sc, &p)
        && sc.services.iter().any(|v| {
            v.external_traffic_policy == TrafficPolicy::Local
                && v.ports.iter().any(|sp| sp.node_port == Some(p.dst.port()))
        })
        && t.succeeded()
        && t.server_sees
            .is_some_and(|seen| seen.src.ip() == p.src.ip())
}

fn check_hairpin(s: &State) -> bool {
    let Some((t, p)) = seen(s) else { return false };
    let sc = &s.scenario;
    let Some(sender) = sc.pods.iter().find(|x| x.ip == Some(p.src_ip())) else {
        return false;
    };
    to_cluster_ip(sc, &p)
        && t.succeeded()
        && delivered_pod(sc, t).is_some_and(|x| std::ptr::eq(x, sender))
        && t.server_sees
            .is_some_and(|seen| seen.src.ip() != p.src.ip())
        && t.reply
            .as_ref()
            .and_then(|r| r.client_sees.as_ref())
            .is_some_and(|c| c.src == p.dst)
}

fn check_nftables(s: &State) -> bool {
    let Some((t, p)) = seen(s) else { return false };
    let sc = &s.scenario;
    let Some(node) = entry_node(t).and_then(|n| sc.node(n)) else {
        return false;
    };
    let ended_there = t
        .hops
        .iter()
        .rfind(|h| h.leg == Leg::Request)
        .is_some_and(|h| h.node() == Some(node.name.as_str()));
    service_at(sc, &p).is_some()
        && !to_cluster_ip(sc, &p)
        && sc.proxy_mode(node) == ProxyMode::Nftables
        && t.verdict == Verdict::Rejected
        && ended_there
}

fn check_ping(s: &State) -> bool {
    let Some((t, p)) = seen(s) else { return false };
    let ended_at_router = t
        .hops
        .iter()
        .rfind(|h| h.leg == Leg::Request)
        .is_some_and(|h| h.device.starts_with("router/"));
    p.proto == Protocol::Icmp
        && service_at(&s.scenario, &p).is_some()
        && t.verdict == Verdict::Dropped
        && ended_at_router
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::edit::{Edit, Key};
    use crate::model::k8s::Object;
    use crate::model::presets;
    use crate::ui::state::TraceSpec;
    use std::collections::BTreeSet;

    fn start(l: &'static Lesson) -> State {
        let s = super::start(l);
        assert!(s.notice.is_none(), "{}: {:?}", l.id, s.notice);
        assert!(!(l.check)(&s), "{}: passed on loading its preset", l.id);
        s
    }

    fn set_spec(s: &mut State, from: &str, to: &str) {
        s.apply(Action::SetSpec(TraceSpec {
            from: from.into(),
            to: to.into(),
            ..s.spec.clone()
        }));
    }

    /// Sends and watches the playback to its end, checking on the way
    /// that the check waits for the verdict.
    fn send_and_watch(s: &mut State, l: &Lesson) {
        s.apply(Action::Send);
        let hops = s.run.as_ref().unwrap().hops();
        assert!(hops > 1, "{}", l.id);
        s.apply(Action::Tick);
        assert!(
            !(l.check)(s),
            "{}: passed before the verdict was shown",
            l.id
        );
        for _ in 0..hops {
            s.apply(Action::Tick);
        }
        assert!(s.run.as_ref().unwrap().at_end());
    }

    /// Puts the object `pick` chooses from a preset's YAML, changed by
    /// `change`, into the state (as the editor's forms do).
    fn put(s: &mut State, preset: &str, change: (&str, &str), pick: fn(&Object) -> bool) {
        let yaml = presets::preset(preset)
            .unwrap()
            .yaml
            .replace(change.0, change.1);
        let loaded = crate::model::load(&yaml).unwrap().scenario;
        let object = loaded.to_objects().into_iter().find(pick).unwrap();
        let replace = s
            .scenario
            .to_objects()
            .iter()
            .map(Key::of)
            .find(|k| *k == Key::of(&object));
        s.apply(Action::Edit(Edit::Put {
            replace,
            object: Box::new(object),
        }));
        assert!(s.notice.is_none(), "{:?}", s.notice);
    }

    fn the(id: &str) -> &'static Lesson {
        lesson(id).unwrap().1
    }

    #[test]
    fn clusterip_pod_to_service() {
        let l = the("clusterip");
        let mut s = start(l);
        // Another request is not the task.
        set_spec(&mut s, "node/node-1", "svc/web:80");
        send_and_watch(&mut s, l);
        assert!(!(l.check)(&s));
        set_spec(&mut s, "pod/client", "svc/web:80");
        send_and_watch(&mut s, l);
        assert!((l.check)(&s));
        // Any of its ports, by address too, and another connection.
        s.apply(Action::SendAnother);
        s.apply(Action::StepTo(usize::MAX));
        assert!((l.check)(&s));
        // Changing the scenario re-traces by itself: send again.
        s.apply(Action::Edit(Edit::RenameNode {
            from: "node-3".into(),
            to: "node-9".into(),
        }));
        assert!(!(l.check)(&s));
        s.apply(Action::Send);
        s.apply(Action::StepTo(usize::MAX));
        assert!((l.check)(&s));
    }

    #[test]
    fn external_clusterip_is_dropped() {
        let l = the("external-clusterip");
        let mut s = start(l);
        // The preset's request is filled in, not traced.
        assert!(s.run.is_none());
        set_spec(&mut s, "internet", "svc/web:80");
        send_and_watch(&mut s, l);
        assert!((l.check)(&s));
        set_spec(&mut s, "pod/client", "svc/web:80");
        s.apply(Action::Send);
        s.apply(Action::StepTo(usize::MAX));
        assert!(!(l.check)(&s), "from a pod it works: not this lesson");
        set_spec(&mut s, "192.0.2.77", "10.3.241.152:80");
        s.apply(Action::Send);
        s.apply(Action::StepTo(usize::MAX));
        assert!(
            (l.check)(&s),
            "any internet address, the ClusterIP by address: {:?}",
            s.run
        );
    }

    #[test]
    fn static_route_is_added_and_works_through_its_node() {
        let l = the("static-route");
        let mut s = start(l);
        send_and_watch(&mut s, l);
        assert!(!(l.check)(&s), "no route yet: dropped");
        put(&mut s, "static-route", ("", ""), |o| {
            matches!(o, Object::Route(_))
        });
        assert!(s.trace().unwrap().succeeded(), "re-traced by itself");
        assert!(!(l.check)(&s), "the learner has to send again");
        send_and_watch(&mut s, l);
        assert!((l.check)(&s));
        assert_eq!(entry_node(s.trace().unwrap()), Some("node-2"));
        // The load concentrates: every connection enters node-2.
        s.apply(Action::SendN(200));
        let sp = s.spread.clone().unwrap();
        assert_eq!(sp.sample.entries.len(), 1, "{sp:?}");
        assert_eq!(sp.sample.entries[0].label, "node-2");
    }

    #[test]
    fn node_removed_breaks_the_route() {
        let l = the("node-removed");
        let mut s = start(l);
        send_and_watch(&mut s, l);
        assert!(s.trace().unwrap().succeeded());
        assert!(!(l.check)(&s), "the route's node is still there");
        // Another node does not matter to the route.
        s.apply(Action::Edit(Edit::RemoveNode("node-3".into())));
        send_and_watch(&mut s, l);
        assert!(!(l.check)(&s));
        s.apply(Action::Undo);
        s.apply(Action::Edit(Edit::RemoveNode("node-2".into())));
        assert!(!s.trace().unwrap().succeeded());
        assert!(!(l.check)(&s), "re-traced by itself: send again");
        send_and_watch(&mut s, l);
        assert!((l.check)(&s));
        // The preset of the same step passes once its request is sent.
        let mut r = State::new();
        r.apply(Action::LoadPreset("node-removed".into()));
        assert!(!(l.check)(&r));
        send_and_watch(&mut r, l);
        assert!((l.check)(&r));
    }

    #[test]
    fn load_balancer_spreads_over_nodes() {
        let l = the("load-balancer");
        let mut s = start(l);
        s.apply(Action::SendN(300));
        assert!(!(l.check)(&s), "spread, but no trace sent");
        set_spec(&mut s, "internet", "198.51.100.10:80");
        send_and_watch(&mut s, l);
        assert!(!(l.check)(&s), "one connection, no spread yet");
        // A spread to somewhere else does not count.
        set_spec(&mut s, "internet", "svc/web:80");
        s.apply(Action::SendN(300));
        assert!(s.spread.is_some());
        assert!(!(l.check)(&s));
        set_spec(&mut s, "internet", "198.51.100.10:80");
        s.apply(Action::SendN(300));
        assert!((l.check)(&s));
    }

    #[test]
    fn node_address_with_the_service_port_is_refused() {
        let l = the("nodeport-wrong-port");
        let mut s = start(l);
        set_spec(&mut s, "10.100.0.10", "10.100.0.3:30080");
        send_and_watch(&mut s, l);
        assert!(!(l.check)(&s), "the NodePort works");
        set_spec(&mut s, "10.100.0.10", "10.100.0.3:80");
        send_and_watch(&mut s, l);
        assert!((l.check)(&s));
    }

    #[test]
    fn nodeport_is_delivered_and_masqueraded() {
        let l = the("nodeport");
        let mut s = start(l);
        set_spec(&mut s, "10.100.0.10", "10.100.0.3:80");
        send_and_watch(&mut s, l);
        assert!(!(l.check)(&s), "the Service port on a node is refused");
        set_spec(&mut s, "10.100.0.10", "10.100.0.3:30080");
        send_and_watch(&mut s, l);
        assert!((l.check)(&s));
        let seen = s.trace().unwrap().server_sees.unwrap();
        assert_ne!(seen.src.ip().to_string(), "10.100.0.10");
    }

    #[test]
    fn local_traffic_policy_keeps_the_client_address() {
        let l = the("lb-traffic-policy");
        let mut s = start(l);
        set_spec(&mut s, "internet", "198.51.100.10:80");
        send_and_watch(&mut s, l);
        assert!(s.trace().unwrap().succeeded());
        assert!(!(l.check)(&s), "Cluster: the source is a node's");
        // Cluster spreads over all three nodes.
        s.apply(Action::SendN(300));
        assert_eq!(s.spread.as_ref().unwrap().sample.entries.len(), 3);
        put(
            &mut s,
            "lb-traffic-policy",
            (
                "externalTrafficPolicy: Cluster",
                "externalTrafficPolicy: Local",
            ),
            |o| matches!(o, Object::Service(_)),
        );
        let web = s.scenario.service("default", "web").unwrap();
        assert_eq!(web.external_traffic_policy, TrafficPolicy::Local);
        assert!(web.health_check_node_port.is_some());
        assert!(!(l.check)(&s), "re-traced by itself: send again");
        send_and_watch(&mut s, l);
        assert!((l.check)(&s));
        let seen = s.trace().unwrap().server_sees.unwrap();
        assert_eq!(seen.src.ip().to_string(), "203.0.113.10");
        // Only the nodes with a ready pod pass the health check.
        s.apply(Action::SendN(300));
        let entries: BTreeSet<_> = s
            .spread
            .as_ref()
            .unwrap()
            .sample
            .entries
            .iter()
            .map(|r| r.label.clone())
            .collect();
        assert_eq!(
            entries,
            BTreeSet::from(["node-2".to_string(), "node-3".to_string()])
        );
    }

    #[test]
    fn no_lesson_passes_on_loading_any_preset_or_at_start() {
        for l in LESSONS {
            assert!(!(l.check)(&State::new()), "{}", l.id);
            for p in presets::PRESETS {
                let mut s = State::new();
                s.apply(Action::LoadPreset(p.id.into()));
                assert!(!(l.check)(&s), "{} on preset {}", l.id, p.id);
            }
        }
    }

    #[test]
    fn every_lesson_has_a_preset_and_unique_id() {
        let mut ids = BTreeSet::new();
        for (i, l) in LESSONS.iter().enumerate() {
            assert!(ids.insert(l.id), "duplicate id {}", l.id);
            assert!(
                presets::preset(l.preset).is_some(),
                "{}: {}",
                l.id,
                l.preset
            );
            assert_eq!(lesson(l.id).map(|(n, _)| n), Some(i));
            assert!(!l.id.is_empty());
            assert!(l
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
        }
        assert!(lesson("nope").is_none());
        // One lesson per story preset, in story order, the preset's id as
        // the lesson's.
        let story: Vec<_> = presets::PRESETS.iter().map(|p| p.id).collect();
        let lessons: Vec<_> = LESSONS.iter().map(|l| l.id).collect();
        assert_eq!(lessons, story);
    }

    #[test]
    fn every_text_is_written_in_both_languages() {
        for l in LESSONS {
            let texts = [l.title, l.task, l.done]
                .into_iter()
                .chain(l.body.iter().copied());
            for (i, t) in texts.enumerate() {
                for s in [t.en, t.ko] {
                    assert!(!s.trim().is_empty(), "{} text {i}", l.id);
                    assert_eq!(s, s.trim(), "{} text {i}", l.id);
                }
                assert_ne!(t.en, t.ko, "{} text {i}", l.id);
                assert!(
                    t.ko.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c)),
                    "{} text {i} is not Korean",
                    l.id
                );
            }
            assert!(!l.body.is_empty(), "{}", l.id);
        }
    }

    /// A lesson opens in its step's state with the preset's request in
    /// the request fields and nothing traced: the verdict is not shown
    /// before the learner sends.
    #[test]
    fn every_lesson_opens_untraced_with_its_request_filled_in() {
        for (i, l) in LESSONS.iter().enumerate() {
            let s = start(l);
            assert!(s.run.is_none(), "{}: traced on opening", l.id);
            assert!(s.spread.is_none(), "{}", l.id);
            let p = presets::preset(l.preset).unwrap();
            assert_eq!(s.spec, TraceSpec::of_preset(p), "{}", l.id);
            assert_eq!(*s.scenario, crate::model::load(p.yaml).unwrap().scenario);
            assert!(!s.can_undo(), "{}", l.id);
            assert_eq!(s.title, ScenarioTitle::Lesson(l.id));
            assert_eq!(
                s.title.text(Lang::En),
                format!("Lesson {}. {}", i + 1, l.title.en)
            );
            assert!(s.title.text(Lang::Ko).starts_with("레슨 "));
            // Starting over from anywhere gives the same start, one undo
            // away from the work.
            let mut t = s.clone();
            t.apply(Action::Send);
            t.apply(Action::Edit(Edit::RenameNode {
                from: "node-1".into(),
                to: "node-x".into(),
            }));
            assert_eq!(
                t.title.text(Lang::En),
                format!("Lesson {}. {} (edited)", i + 1, l.title.en)
            );
            t.apply(begin(l));
            assert!(t.run.is_none() && t.scenario == s.scenario && t.spec == s.spec);
            assert_eq!(t.title, s.title);
            assert!(t.can_undo());
        }
    }

    fn has(task: Text, words: Text, what: &str, id: &str) {
        assert!(
            task.en.contains(words.en),
            "{id}: task lacks {what} {:?}",
            words.en
        );
        assert!(
            task.ko.contains(words.ko),
            "{id}: 과제에 {what} {:?} 없음",
            words.ko
        );
    }

    /// Every task names what the learner types and presses, in the
    /// interface's own words in both languages (the editor's labels), with
    /// every value a form needs.
    #[test]
    fn every_task_names_its_fields_in_the_interfaces_words() {
        const SEND: Text = t("Send", "보내기");
        for l in LESSONS {
            let p = presets::preset(l.preset).unwrap();
            has(l.task, t(p.to, p.to), "the destination", l.id);
            has(l.task, SEND, "the button", l.id);
            let Some(change) = l.change else { continue };
            if let Some(kind) = change.section() {
                has(l.task, editor::section_title(kind), "the section", l.id);
                has(l.task, editor::EDIT, "the Edit tab", l.id);
            }
            match change {
                Change::Add(kind, fields) => {
                    let add = |lang| {
                        [
                            editor::ADD.get(lang),
                            kind.word().get(lang),
                            editor::ADD_A_END.get(lang),
                        ]
                        .concat()
                    };
                    assert!(l.task.en.contains(&add(Lang::En)), "{}", l.id);
                    assert!(l.task.ko.contains(&add(Lang::Ko)), "{}", l.id);
                    for &(_, label, value) in fields {
                        has(l.task, label, "a field", l.id);
                        has(l.task, t(value, value), "a value", l.id);
                    }
                }
                Change::Edit(_, object, fields) => {
                    has(l.task, t(object, object), "the object", l.id);
                    has(l.task, editor::APPLY_CHANGES, "the button", l.id);
                    for &(_, label, value) in fields {
                        has(l.task, label, "a field", l.id);
                        has(l.task, t(value, value), "a value", l.id);
                    }
                }
                Change::RemoveNode(node) => {
                    has(l.task, t(node, node), "the node", l.id);
                    has(l.task, t("Remove", "삭제"), "the button", l.id);
                }
            }
        }
        // The Korean task says the Korean editor's words, not the English.
        let l = the("static-route");
        assert!(l.task.ko.contains("정적 라우팅"));
        assert!(!l.task.ko.contains("Static routes"));
    }

    /// Makes a lesson's change as the editor does: its forms' drafts with
    /// the task's values, built and checked by the editor's own code.
    fn make(s: &mut State, change: Change) {
        let edits = match change {
            Change::RemoveNode(n) => vec![Edit::RemoveNode(n.into())],
            Change::Add(kind, fields) => {
                let d = fields
                    .iter()
                    .fold(editor::new_draft(kind, &s.scenario), |d, &(k, _, v)| {
                        d.with(k, v)
                    });
                let c = editor::check(&s.scenario, editor::build(kind, &d, None, None));
                assert!(c.ok(), "{:?}", c.errors);
                c.edits
            }
            Change::Edit(kind, object, fields) => {
                let key = match object.split_once('/') {
                    Some((ns, name)) => Key::new(kind.name(), Some(ns), name),
                    None => Key::new(kind.name(), None, object),
                };
                let base = s
                    .scenario
                    .to_objects()
                    .into_iter()
                    .find(|o| Key::of(o) == key)
                    .unwrap();
                let d = fields
                    .iter()
                    .fold(editor::object_draft(&base).unwrap(), |d, &(k, _, v)| {
                        d.with(k, v)
                    });
                let c = editor::check(
                    &s.scenario,
                    editor::build(kind, &d, Some(&key), Some(&base)),
                );
                assert!(c.ok(), "{:?}", c.errors);
                c.edits
            }
        };
        for e in edits {
            s.apply(Action::Edit(e));
            assert!(
                s.notice.is_none() || change.section().is_none(),
                "{:?}",
                s.notice
            );
        }
    }

    /// Doing exactly what each task says passes its check, and "what you
    /// just saw" names hops of that trace that really are what it says.
    #[test]
    fn doing_the_task_as_written_passes_and_names_the_hop_that_mattered() {
        for l in LESSONS {
            let mut s = start(l);
            if let Some(c) = l.change {
                make(&mut s, c);
                assert!(s.run.is_none(), "{}: an edit traced by itself", l.id);
            }
            send_and_watch(&mut s, l);
            if l.id == "load-balancer" || l.id == "one-pod" {
                assert!(!(l.check)(&s));
                s.apply(Action::SendN(1000));
            }
            if l.id == "ping" {
                assert!(!(l.check)(&s), "TCP first");
                s.apply(Action::SetSpec(TraceSpec {
                    to: "10.3.241.152".into(),
                    proto: Protocol::Icmp,
                    ..s.spec.clone()
                }));
                send_and_watch(&mut s, l);
            }
            if l.id == "ports" {
                assert!(!(l.check)(&s), "the ClusterIP first");
                set_spec(&mut s, "pod/client", "10.100.0.3:30080");
                send_and_watch(&mut s, l);
            }
            assert!(
                (l.check)(&s),
                "{}: {:?}",
                l.id,
                s.trace().map(|t| t.verdict)
            );
            let t = s.trace().unwrap();
            let saw = what_you_saw(l, t);
            assert!(!saw.is_empty(), "{}: nothing named", l.id);
            for x in &saw {
                assert_eq!(t.hops[x.index], *x.hop);
                let h = x.hop;
                match x.what {
                    Mattered::Dnat => {
                        assert_eq!(h.leg, Leg::Request);
                        assert_eq!(h.before.dst, t.hops[0].before.dst, "{}", l.id);
                        assert_ne!(h.after.dst, h.before.dst);
                        assert!(h.device.starts_with("node/"), "{}: {}", l.id, h.device);
                        assert!(x.detail(Lang::En).contains(&h.after.dst.to_string()));
                        assert!(
                            x.detail(Lang::En).contains("KUBE-"),
                            "{}",
                            x.detail(Lang::En)
                        );
                    }
                    Mattered::Snat => {
                        assert_eq!(h.after.src, t.server_sees.unwrap().src, "{}", l.id);
                    }
                    Mattered::Unnat => {
                        assert_eq!(h.leg, Leg::Reply);
                        assert_eq!(
                            h.after.src,
                            t.reply.as_ref().unwrap().client_sees.as_ref().unwrap().src
                        );
                    }
                    Mattered::Route => {
                        assert!(h.device.starts_with("router/"));
                        assert!(
                            x.detail(Lang::En).contains("10.3.240.0/20"),
                            "{}",
                            x.detail(Lang::En)
                        );
                    }
                    Mattered::End => {
                        assert_ne!(t.verdict, Verdict::Delivered);
                        assert_eq!(x.detail(Lang::En), h.note());
                        assert_ne!(x.detail(Lang::Ko), h.note());
                    }
                }
                assert!(x.place(Lang::En).contains(&h.device));
                assert!(x.place(Lang::Ko).starts_with("홉 "));
            }
            let kinds: Vec<_> = saw.iter().map(|x| x.what).collect();
            let want: &[Mattered] = match l.id {
                "clusterip" => &[Mattered::Dnat, Mattered::Unnat],
                "external-clusterip" | "node-removed" | "nodeport-wrong-port" => &[Mattered::End],
                "static-route" => &[Mattered::Route, Mattered::Dnat],
                "nodeport" => &[Mattered::Dnat, Mattered::Snat],
                "one-pod" => &[Mattered::Dnat, Mattered::Unnat],
                "hairpin" => &[Mattered::Dnat, Mattered::Snat, Mattered::Unnat],
                "nftables" | "ping" => &[Mattered::End],
                _ => &[Mattered::Dnat],
            };
            assert_eq!(kinds, want, "{}", l.id);
        }
        // Where they are: the DNAT on the client's node, the drop at the
        // router, the refusal at the node addressed.
        let at = |id: &str| {
            let l = the(id);
            let mut s = start(l);
            if let Some(c) = l.change {
                make(&mut s, c);
            }
            s.apply(Action::Send);
            s.apply(Action::StepTo(usize::MAX));
            let t = s.trace().unwrap().clone();
            what_you_saw(l, &t)
                .iter()
                .map(|x| x.hop.device.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(at("clusterip")[0], "node/node-1");
        assert!(at("external-clusterip")[0].starts_with("router/"));
        assert_eq!(at("static-route")[1], "node/node-2");
        assert!(at("node-removed")[0].starts_with("router/"));
        assert_eq!(at("nodeport-wrong-port")[0], "node/node-2");
        assert_eq!(at("hairpin"), ["node/node-2"; 3]);
        assert_eq!(at("nftables"), ["node/node-1"]);
    }

    /// Sends the state's request again and shows it to the end.
    fn resend(s: &mut State) {
        s.apply(Action::Send);
        s.apply(Action::StepTo(usize::MAX));
    }

    fn delivered(s: &State) -> Option<&str> {
        s.trace().and_then(|t| t.delivered_to.as_deref())
    }

    #[test]
    fn no_endpoints_until_the_selector_matches_and_only_ready_pods() {
        let l = the("no-endpoints");
        let mut s = start(l);
        send_and_watch(&mut s, l);
        let t = s.trace().unwrap();
        assert_eq!(t.verdict, Verdict::Rejected, "{:?}", t.reason);
        assert!(t.reason_in(Lang::En).unwrap().contains("has no endpoints"));
        assert!(!(l.check)(&s), "no endpoints: rejected");
        put(&mut s, "no-endpoints", ("app: webapp", "app: web"), |o| {
            matches!(o, Object::Service(_))
        });
        assert!(!(l.check)(&s), "re-traced by itself: send again");
        send_and_watch(&mut s, l);
        assert!((l.check)(&s));
        assert_eq!(delivered(&s), Some("pod/web-1"));
        // web-2 is selected but not Ready: no connection ever reaches it.
        s.apply(Action::SendN(200));
        let sp = s.spread.clone().unwrap();
        assert_eq!(sp.sample.outcomes.len(), 1, "{sp:?}");
        assert_eq!(sp.sample.outcomes[0].label, Ending::At("pod/web-1".into()));
        assert!((l.check)(&s));
    }

    #[test]
    fn ports_nodeport_maps_through_kube_nodeports_to_the_target_port() {
        let l = the("ports");
        let mut s = start(l);
        send_and_watch(&mut s, l);
        let t = s.trace().unwrap();
        assert!(t.succeeded());
        assert_eq!(t.server_sees.unwrap().dst.port(), 8080);
        assert!(request_chains(t).any(|c| c.starts_with("KUBE-SVC-")));
        assert!(!request_chains(t).any(|c| c == "KUBE-NODEPORTS"));
        assert!(!(l.check)(&s), "the ClusterIP is not the NodePort");
        // The pod itself on its targetPort: no Service rule.
        set_spec(&mut s, "pod/client", "10.0.2.2:8080");
        resend(&mut s);
        assert!(s.trace().unwrap().succeeded());
        assert!(!request_chains(s.trace().unwrap())
            .any(|c| c.starts_with("KUBE-SVC-") || c.starts_with("KUBE-SEP-")));
        assert!(!(l.check)(&s));
        // The node's address with the Service's port is refused.
        set_spec(&mut s, "pod/client", "10.100.0.3:80");
        resend(&mut s);
        assert!(!s.trace().unwrap().succeeded());
        assert!(!(l.check)(&s));
        for node in ["10.100.0.3", "10.100.0.4", "10.100.0.2"] {
            set_spec(&mut s, "pod/client", &format!("{node}:30080"));
            send_and_watch(&mut s, l);
            assert!((l.check)(&s), "{node}");
            let t = s.trace().unwrap();
            assert_eq!(t.server_sees.unwrap().dst.port(), 8080);
            assert!(request_chains(t).any(|c| c.starts_with("KUBE-EXT-")));
        }
    }

    #[test]
    fn one_connection_one_pod_many_connections_many_pods() {
        let l = the("one-pod");
        let mut s = start(l);
        send_and_watch(&mut s, l);
        let t = s.trace().unwrap();
        let first = t.delivered_to.clone().unwrap();
        // The reply follows the conntrack entry of the request's choice.
        assert!(t.reply.as_ref().unwrap().client_sees.is_some());
        assert!(t.conntrack["node-1"][0].contains(
            &s.scenario
                .pods
                .iter()
                .find(|p| format!("pod/{}", p.name) == first)
                .unwrap()
                .ip
                .unwrap()
                .to_string()
        ));
        assert!(!(l.check)(&s), "one connection: no spread yet");
        // A spread to somewhere else does not count.
        set_spec(&mut s, "pod/client", "10.0.2.2:8080");
        s.apply(Action::SendN(300));
        assert!(!(l.check)(&s));
        set_spec(&mut s, "pod/client", "svc/web:80");
        s.apply(Action::SendN(1000));
        assert!((l.check)(&s));
        let sp = s.spread.clone().unwrap();
        assert_eq!(sp.sample.outcomes.len(), 3, "{sp:?}");
        for r in &sp.sample.outcomes {
            assert!((r.probability - 1.0 / 3.0).abs() < 1e-9, "{r:?}");
            assert!((250..420).contains(&r.count), "{r:?}");
        }
        // The body's last step: ClientIP affinity, and the burst sticks.
        put(
            &mut s,
            "one-pod",
            (
                "  type: ClusterIP\n",
                "  type: ClusterIP\n  sessionAffinity: ClientIP\n",
            ),
            |o| matches!(o, Object::Service(_)),
        );
        s.apply(Action::SendN(1000));
        let sp = s.spread.clone().unwrap();
        let hit: Vec<_> = sp.sample.outcomes.iter().filter(|r| r.count > 0).collect();
        assert_eq!(hit.len(), 1, "{sp:?}");
        assert_eq!(hit[0].count, 1000);
    }

    #[test]
    fn client_ip_is_kept_only_with_local() {
        let l = the("client-ip");
        let mut s = start(l);
        send_and_watch(&mut s, l);
        let t = s.trace().unwrap();
        assert!(t.succeeded());
        assert_eq!(t.server_sees.unwrap().src.ip().to_string(), "10.0.2.1");
        assert!(!(l.check)(&s), "Cluster: masqueraded");
        put(
            &mut s,
            "client-ip",
            (
                "externalTrafficPolicy: Cluster",
                "externalTrafficPolicy: Local",
            ),
            |o| matches!(o, Object::Service(_)),
        );
        assert!(!(l.check)(&s), "re-traced by itself: send again");
        send_and_watch(&mut s, l);
        assert!((l.check)(&s));
        assert_eq!(
            s.trace().unwrap().server_sees.unwrap().src.ip().to_string(),
            "10.100.0.10"
        );
        // A node without a pod of the Service drops it.
        set_spec(&mut s, "10.100.0.10", "10.100.0.4:30080");
        resend(&mut s);
        let t = s.trace().unwrap();
        assert_eq!(t.verdict, Verdict::Dropped);
        assert!(t
            .reason_in(Lang::En)
            .unwrap()
            .contains("no local endpoints"));
        assert!(!(l.check)(&s));
    }

    #[test]
    fn hairpin_is_masqueraded_to_the_node() {
        let l = the("hairpin");
        let mut s = start(l);
        set_spec(&mut s, "node/node-1", "svc/web:80");
        send_and_watch(&mut s, l);
        assert!(s.trace().unwrap().succeeded());
        assert!(!(l.check)(&s), "not from the pod itself");
        set_spec(&mut s, "pod/web-1", "svc/web:80");
        send_and_watch(&mut s, l);
        assert!((l.check)(&s));
        let t = s.trace().unwrap();
        assert_eq!(t.server_sees.unwrap().src.ip().to_string(), "10.0.2.1");
        // The KUBE-SEP chain's own-address rule marked it.
        assert!(t.hops.iter().any(|h| h
            .rules
            .iter()
            .any(|r| r.chain.starts_with("KUBE-SEP-") && r.rule.contains("-s 10.0.2.2"))));
        // To the pod's own address, nothing is rewritten: not this lesson.
        set_spec(&mut s, "pod/web-1", "10.0.2.2:8080");
        resend(&mut s);
        assert!(!(l.check)(&s));
    }

    fn ping(s: &mut State, to: &str) {
        s.apply(Action::SetSpec(TraceSpec {
            to: to.into(),
            proto: Protocol::Icmp,
            ..s.spec.clone()
        }));
    }

    #[test]
    fn a_cluster_ip_does_not_answer_ping() {
        let l = the("ping");
        let mut s = start(l);
        send_and_watch(&mut s, l);
        assert!(s.trace().unwrap().succeeded());
        assert!(!(l.check)(&s), "TCP to the port works");
        // A pod's own address answers.
        ping(&mut s, "10.0.2.2");
        send_and_watch(&mut s, l);
        assert!(s.trace().unwrap().succeeded());
        assert!(!(l.check)(&s));
        ping(&mut s, "10.3.241.152");
        send_and_watch(&mut s, l);
        assert!((l.check)(&s));
        let t = s.trace().unwrap();
        assert_eq!(t.verdict, Verdict::Dropped);
        assert!(!request_chains(t).any(|c| c.starts_with("KUBE-SVC-")));
        // In nftables mode the client's node rejects it: not this lesson's
        // drop at the router.
        put(
            &mut s,
            "ping",
            (
                "  name: node-1
",
                "  name: node-1
  labels:
    netlab.dev/kube-proxy-mode: nftables
",
            ),
            |o| matches!(o, Object::Node(n) if n.metadata.name.as_deref() == Some("node-1")),
        );
        resend(&mut s);
        assert_eq!(s.trace().unwrap().verdict, Verdict::Rejected);
        assert!(!(l.check)(&s));
    }

    #[test]
    fn nftables_rejects_a_port_the_service_lacks() {
        let l = the("nftables");
        let mut s = start(l);
        send_and_watch(&mut s, l);
        let t = s.trace().unwrap();
        assert_eq!(t.verdict, Verdict::Dropped, "iptables mode: lost");
        assert!(!(l.check)(&s));
        // Another node in nftables mode does not change the client's.
        put(
            &mut s,
            "nftables",
            (
                "  name: node-2\n",
                "  name: node-2\n  labels:\n    netlab.dev/kube-proxy-mode: nftables\n",
            ),
            |o| matches!(o, Object::Node(n) if n.metadata.name.as_deref() == Some("node-2")),
        );
        resend(&mut s);
        assert_eq!(s.trace().unwrap().verdict, Verdict::Dropped);
        assert!(!(l.check)(&s));
        put(
            &mut s,
            "nftables",
            (
                "  name: node-1\n",
                "  name: node-1\n  labels:\n    netlab.dev/kube-proxy-mode: nftables\n",
            ),
            |o| matches!(o, Object::Node(n) if n.metadata.name.as_deref() == Some("node-1")),
        );
        assert!(!(l.check)(&s), "re-traced by itself: send again");
        send_and_watch(&mut s, l);
        assert!((l.check)(&s));
        let t = s.trace().unwrap();
        assert!(t
            .hops
            .iter()
            .any(|h| h.rules.iter().any(|r| r.chain == "cluster-ips-check")));
        // The Service's own port still works, in either mode.
        set_spec(&mut s, "pod/client", "svc/web:80");
        resend(&mut s);
        assert!(s.trace().unwrap().succeeded());
        assert!(!(l.check)(&s));
        // And a NodePort on 127.0.0.1 is refused on an nftables node,
        // delivered on an iptables one.
        set_spec(&mut s, "node/node-1", "127.0.0.1:30080");
        resend(&mut s);
        assert_eq!(s.trace().unwrap().verdict, Verdict::Refused);
        set_spec(&mut s, "node/node-3", "127.0.0.1:30080");
        resend(&mut s);
        assert!(s.trace().unwrap().succeeded());
    }
}

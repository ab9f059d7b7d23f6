// Big scenarios as text, for the YAML tab's tests: a valid cluster of about
// `bytes` of block-style YAML (as `kubectl get -o yaml` writes it), and a
// scenario with `n` validation problems.

// Nodes, pods spread over them, one Service per ten pods, until the text
// is at least `bytes` long. Run as a script to write one to stdout:
// `node tests/e2e/bigyaml.mjs 2000000 > big.yaml`.
export function bigCluster(bytes = 2_000_000) {
  const parts = [
    'apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: big\nspec:\n  nodeCIDR: 10.128.0.0/18\n  podCIDR: 10.0.0.0/11\n  nodePodCIDRMask: 24\n  serviceCIDR: 10.96.0.0/16\n',
  ];
  const nodes = 200;
  let size = parts[0].length;
  const push = (s) => { parts.push(s); size += s.length + 4; };
  for (let n = 0; n < nodes; n++) {
    push(`apiVersion: v1\nkind: Node\nmetadata:\n  name: node-${n}\n  labels:\n    kubernetes.io/hostname: node-${n}\n    topology.kubernetes.io/zone: zone-${n % 3}\n`);
  }
  for (let p = 0; size < bytes; p++) {
    const svc = Math.floor(p / 10);
    if (p % 10 === 0) {
      push(`apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${svc}\n  namespace: default\n  labels:\n    app: svc-${svc}\nspec:\n  type: ClusterIP\n  selector:\n    app: svc-${svc}\n  ports:\n  - name: http\n    protocol: TCP\n    port: 80\n    targetPort: http\n`);
    }
    push(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-${p}\n  namespace: default\n  labels:\n    app: svc-${svc}\n    tier: backend\nspec:\n  nodeName: node-${p % nodes}\n  containers:\n  - name: app\n    image: registry.example/app:1.0\n    ports:\n    - name: http\n      containerPort: 8080\n      protocol: TCP\n`);
  }
  return parts.join('---\n');
}

// `n` Services whose ports are out of range: `n` validation problems.
export function manyProblems(n = 250) {
  const parts = ['apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: bad\nspec:\n  nodeCIDR: 10.100.0.0/24\n  podCIDR: 10.0.0.0/14\n  nodePodCIDRMask: 24\n  serviceCIDR: 10.3.240.0/20\n',
    'apiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\n'];
  for (let i = 0; i < n; i++) {
    parts.push(`apiVersion: v1\nkind: Service\nmetadata:\n  name: bad-${i}\nspec:\n  ports:\n  - port: ${70000 + i}\n`);
  }
  return parts.join('---\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const what = process.argv[2] ?? '2000000';
  process.stdout.write(what === 'problems' ? manyProblems(Number(process.argv[3] ?? 250)) : bigCluster(Number(what)));
}

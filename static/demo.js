// The demo page's use of the control API (docs/embedding.md): the form
// sends a request in the NodePort widget and prints its verdict.
document.getElementById('try').addEventListener('submit', function (e) {
  e.preventDefault();
  var out = document.getElementById('try-out');
  out.textContent = '…';
  netlab.widget('#w-nodeport')
    .send(document.getElementById('try-from').value, document.getElementById('try-to').value)
    .then(function (v) { out.textContent = v.verdict + (v.delivered_to ? ' to ' + v.delivered_to : '') + ': ' + v.sentence; });
});

/*
 * k8s-netlab embeds: <script src="https://HOST/PATH/embed.js"></script> turns
 * every <div data-netlab="..."> of the page into a live widget (an iframe of
 * the embed view), lazily when it scrolls into view, sized to its content.
 *
 *   data-netlab    a preset id (clusterip, nodeport, ...), a share link or
 *                  its fragment (s=1....), a scenario URL on the widget's
 *                  own site, or empty for the default scenario
 *   data-trace     a request to show traced: "SRC -> DST" (netlab's forms)
 *   data-editable  present (or "true"): the editing panels are shown
 *   data-height    the initial height in pixels (default 480)
 *   data-lang      en or ko (default: the reader's browser)
 *
 * It adds no CSS to the page and one global, `netlab` ({ scan }), to embed
 * elements added later. Messages are accepted only from its own frames.
 */
(function () {
  'use strict';
  if (window.netlab && window.netlab.scan) { window.netlab.scan(); return; }
  var script = document.currentScript;
  var base = new URL('.', script ? script.src : location.href);
  var origin = base.origin;
  var frames = [];

  function src(el) {
    var v = (el.getAttribute('data-netlab') || '').trim();
    var q = new URLSearchParams();
    q.set('embed', '1');
    var hash = '';
    var at = v.indexOf('#');
    if (v.indexOf('s=') === 0) hash = '#' + v;
    else if (at >= 0 && v.slice(at + 1).indexOf('s=') === 0) hash = v.slice(at);
    else if (/^[a-z0-9-]+$/.test(v)) q.set('preset', v);
    // A scenario file: relative to embed.js's own site (the widget may
    // fetch only from its origin).
    else if (v) q.set('src', new URL(v, base).href);
    var trace = el.getAttribute('data-trace');
    if (trace) q.set('trace', trace);
    var editable = el.getAttribute('data-editable');
    if (editable !== null && editable !== 'false' && editable !== '0') q.set('editable', '1');
    var lang = el.getAttribute('data-lang');
    if (lang) q.set('lang', lang);
    return new URL('index.html?' + q.toString() + hash, base).href;
  }

  function load(el) {
    if (el.netlabFrame) return;
    var f = document.createElement('iframe');
    f.src = src(el);
    f.title = el.getAttribute('title') || 'k8s-netlab: ' + (el.getAttribute('data-netlab') || 'the default cluster');
    f.loading = 'lazy';
    f.setAttribute('referrerpolicy', 'no-referrer');
    f.width = '100%';
    f.height = String(parseInt(el.getAttribute('data-height'), 10) || 480);
    f.style.border = '0';
    f.style.width = '100%';
    f.style.display = 'block';
    el.netlabFrame = f;
    el.appendChild(f);
    frames.push(f);
  }

  var seen = typeof IntersectionObserver === 'function'
    ? new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) { seen.unobserve(e.target); load(e.target); }
      });
    }, { rootMargin: '200px' })
    : null;

  function scan() {
    var els = document.querySelectorAll('[data-netlab]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.netlabSeen) continue;
      el.netlabSeen = true;
      if (seen) seen.observe(el); else load(el);
    }
  }

  window.addEventListener('message', function (e) {
    if (e.origin !== origin || !e.data || e.data.type !== 'netlab:size') return;
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === e.source) {
        var h = Math.max(120, Math.min(4000, Math.ceil(Number(e.data.height) || 0)));
        frames[i].height = String(h);
        return;
      }
    }
  });

  window.netlab = { scan: scan };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', scan);
  else scan();
})();

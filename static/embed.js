/*
 * k8s-netlab embeds: <script src="https://HOST/PATH/embed.js"></script> turns
 * every <div data-netlab="..."> of the page into a widget. At once it
 * reserves the widget's height (no layout shift) and shows a poster, a
 * static picture of the drawing (posters/ID-THEME.svg for presets, a light
 * skeleton otherwise); the live widget (an iframe of the embed view)
 * replaces it when it scrolls into view, or on click/Enter with
 * data-load="click". An element that `netlab embed` wrote already holds
 * its box and poster (`.netlab-box`): the script adopts them, and may then
 * load `async`, after the page's first paint. See docs/embedding.md.
 *
 *   data-netlab    a preset id (clusterip, nodeport, ...), a share link or
 *                  its fragment (s=1....), a scenario URL on the widget's
 *                  own site, or empty for the default scenario
 *   data-trace     a request to show traced: "SRC -> DST" (netlab's forms)
 *   data-editable  present (or "true"): the editing panels are shown
 *   data-height    the widget's height in pixels (default: from its width)
 *   data-lang      en or ko (default: the reader's browser)
 *   data-theme     light, dark or auto (default: auto, the page's
 *                  prefers-color-scheme)
 *   data-load      "visible" (default) or "click"
 *
 * It adds no stylesheet to the page and one global, `netlab`:
 * netlab.scan() for elements added later, netlab.widget(el) for the
 * control API (load, send, step, on). Messages go only to, and are taken
 * only from, its own frames on its own origin.
 */
(function () {
  'use strict';
  if (window.netlab && window.netlab.scan) { window.netlab.scan(); return; }
  var script = document.currentScript;
  var base = new URL('.', script ? script.src : location.href);
  var origin = base.origin;
  // Presets with posters (static/posters/); tests/posters.rs keeps this in step.
  var POSTERS = ['clusterip', 'external-clusterip', 'static-route', 'node-removed', 'load-balancer', 'nodeport-wrong-port', 'nodeport', 'lb-traffic-policy', 'no-endpoints', 'ports', 'one-pod', 'client-ip', 'hairpin', 'nftables', 'ping'];
  // The default height: the drawing's usual aspect ratio at the widget's
  // width, plus the verdict and the current hop under it.
  var RATIO = 0.56, BELOW = 300, MIN = 320;
  var WORDS = {
    en: { load: 'Load the live widget', loading: 'Loading the live widget…', picture: 'k8s-netlab: ', none: 'the default cluster' },
    ko: { load: '살아 있는 위젯 불러오기', loading: '위젯을 불러오는 중…', picture: 'k8s-netlab: ', none: '기본 클러스터' }
  };
  var dark = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  var widgets = [];
  var seq = 0;

  function attr(el, name) { return (el.getAttribute(name) || '').trim(); }

  function lang(el) {
    var l = attr(el, 'data-lang') || navigator.language || 'en';
    return l.toLowerCase().indexOf('ko') === 0 ? 'ko' : 'en';
  }

  function theme(el) {
    var t = attr(el, 'data-theme');
    if (t === 'light' || t === 'dark') return t;
    return dark && dark.matches ? 'dark' : 'light';
  }

  // The preset a widget shows, when it is one ('' is the default scenario,
  // the first preset).
  function preset(el) {
    var v = attr(el, 'data-netlab');
    if (!v) return POSTERS[0];
    return POSTERS.indexOf(v) >= 0 ? v : null;
  }

  function src(w) {
    var el = w.el;
    var v = attr(el, 'data-netlab');
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
    var l = attr(el, 'data-lang');
    if (l) q.set('lang', l);
    q.set('theme', theme(el));
    // Where the widget may send its events.
    q.set('origin', location.origin);
    return new URL('index.html?' + q.toString() + hash, base).href;
  }

  // The reserved height, as CSS. From the width without reading it: the
  // element becomes a size container and the height is in its units
  // (cqi), so setting up a widget while the page is parsed forces no
  // layout (each read of a width would: tens of ms on a slow phone).
  var CQ = !!(window.CSS && CSS.supports && CSS.supports('height', 'max(1px, calc(1cqi + 1px))'));
  function height(el) {
    var h = parseInt(el.getAttribute('data-height'), 10);
    if (h > 0) return h + 'px';
    if (CQ) {
      el.style.containerType = 'inline-size';
      return 'max(' + MIN + 'px, calc(' + (RATIO * 100) + 'cqi + ' + BELOW + 'px))';
    }
    var width = el.clientWidth || 640;
    return Math.max(MIN, Math.round(width * RATIO + BELOW)) + 'px';
  }

  function posterUrl(w) {
    var id = preset(w.el);
    if (!id) return null;
    var l = lang(w.el) === 'ko' ? '-ko' : '';
    return new URL('posters/' + id + l + '-' + theme(w.el) + '.svg', base).href;
  }

  function title(el) {
    return el.getAttribute('title') || WORDS[lang(el)].picture + (attr(el, 'data-netlab') || WORDS[lang(el)].none);
  }

  // The reserved box and the poster in it: built here, or adopted from
  // the page, where `netlab embed` wrote them (the box already has its
  // height and the poster is painted with the page's first paint).
  function setup(el) {
    if (el.netlab) return el.netlab;
    var w = { el: el, frame: null, ready: false, queue: [], handlers: {}, waiting: [] };
    el.netlab = w;
    widgets.push(w);
    var words = WORDS[lang(el)];
    var click = attr(el, 'data-load') === 'click';
    var box = el.querySelector('.netlab-box');
    var picture, parts, loaded;
    if (box) {
      // The snippet's box: its height is the reserved one (set again
      // here only if the snippet lost it); its picture stays where it is.
      w.adopted = true;
      w.reserved = box.style.height || height(el);
      if (!box.style.height) box.style.height = w.reserved;
      picture = box.querySelector('.netlab-picture');
      var holder = picture && picture.parentNode !== box ? picture.parentNode : picture;
      var bar = document.createElement('div');
      bar.style.position = 'absolute';
      bar.style.left = '0';
      bar.style.right = '0';
      bar.style.bottom = '0';
      bar.style.textAlign = 'center';
      bar.style.color = theme(el) === 'dark' ? '#a0a9b4' : '#596270';
      bar.style.font = '14px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans KR", sans-serif';
      w.line = line(bar, click, words);
      box.appendChild(bar);
      parts = holder ? [holder, bar] : [bar];
      loaded = !picture || picture.complete;
    } else {
      box = document.createElement('div');
      box.className = 'netlab-box';
      box.style.position = 'relative';
      box.style.overflow = 'hidden';
      w.reserved = height(el);
      box.style.height = w.reserved;
      var poster = document.createElement('div');
      poster.className = 'netlab-poster';
      poster.style.position = 'absolute';
      poster.style.inset = '0';
      poster.style.display = 'flex';
      poster.style.flexDirection = 'column';
      poster.style.background = theme(el) === 'dark' ? '#1b1f26' : '#ffffff';
      poster.style.color = theme(el) === 'dark' ? '#a0a9b4' : '#596270';
      poster.style.font = '14px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans KR", sans-serif';
      var url = posterUrl(w);
      if (url) {
        picture = document.createElement('img');
        picture.src = url;
        picture.alt = title(el);
        // The page's first widget's poster is fetched at once and first
        // (the page's <link rel="preload"> of it, docs/embedding.md, is
        // then reused); the others when they come near the screen (no
        // layout is read to tell where a widget is: see height()).
        if (widgets.length === 1) {
          picture.loading = 'eager';
          picture.setAttribute('fetchpriority', 'high');
        } else picture.loading = 'lazy';
        picture.decoding = 'async';
        // The standard measure of when it is on screen (Element Timing):
        // the page can observe 'element' entries named netlab-poster.
        picture.setAttribute('elementtiming', 'netlab-poster');
        picture.style.objectFit = 'contain';
        picture.style.objectPosition = 'center top';
        picture.style.width = '100%';
      } else {
        // A light skeleton: the shape of a drawing, no content.
        picture = document.createElement('div');
        picture.setAttribute('role', 'img');
        picture.setAttribute('aria-label', title(el));
        picture.style.margin = '0.5rem';
        picture.style.borderRadius = '10px';
        picture.style.background = 'rgba(127, 127, 127, 0.12)';
        picture.style.width = 'auto';
      }
      picture.className = 'netlab-picture';
      picture.style.display = 'block';
      picture.style.flex = '1 1 auto';
      picture.style.minHeight = '0';
      poster.appendChild(picture);
      w.line = line(poster, click, words);
      box.appendChild(poster);
      el.appendChild(box);
      parts = [poster];
      loaded = !url;
    }
    w.box = box;
    w.parts = parts;
    if (click) {
      w.line.addEventListener('click', function () { load(w); });
      if (picture) {
        picture.style.cursor = 'pointer';
        picture.addEventListener('click', function () { load(w); });
      }
    }
    if (!click) {
      // The live widget waits for its poster: the picture comes first.
      var observe = function () {
        if (w.observed) return;
        w.observed = true;
        if (seen) seen.observe(el); else load(w);
      };
      if (loaded) observe();
      else {
        picture.addEventListener('load', observe);
        picture.addEventListener('error', observe);
        setTimeout(observe, 1500);
      }
    }
    return w;
  }

  // The line under the poster: "Loading…", or the button that loads it.
  function line(parent, click, words) {
    var l = document.createElement(click ? 'button' : 'p');
    l.textContent = click ? '▶ ' + words.load : words.loading;
    l.style.margin = '0.5rem auto';
    l.style.font = 'inherit';
    l.style.color = 'inherit';
    if (click) {
      l.type = 'button';
      l.style.padding = '0.4rem 0.9rem';
      l.style.borderRadius = '6px';
      l.style.border = '1px solid currentColor';
      l.style.background = 'transparent';
      l.style.cursor = 'pointer';
    }
    parent.appendChild(l);
    return l;
  }

  function load(w) {
    if (w.frame) return;
    var f = document.createElement('iframe');
    f.src = src(w);
    f.title = title(w.el);
    f.setAttribute('referrerpolicy', 'no-referrer');
    f.style.position = 'absolute';
    f.style.inset = '0';
    f.style.border = '0';
    f.style.width = '100%';
    f.style.height = '100%';
    f.style.display = 'block';
    // Hidden behind the poster until the widget says it is ready.
    f.style.opacity = '0';
    w.frame = f;
    if (w.line.tagName === 'BUTTON') {
      w.line.disabled = true;
      w.line.textContent = WORDS[lang(w.el)].loading;
    }
    w.box.appendChild(f);
    // If the widget never says so (an old or broken build), show it anyway.
    w.timer = setTimeout(function () { reveal(w); }, 20000);
  }

  function reveal(w) {
    clearTimeout(w.timer);
    if (!w.frame || w.frame.style.opacity === '1') return;
    w.frame.style.opacity = '1';
    for (var i = 0; i < w.parts.length; i++) {
      var p = w.parts[i];
      if (p.parentNode) p.parentNode.removeChild(p);
    }
    w.parts = [];
  }

  function post(w, msg) {
    if (w.ready) w.frame.contentWindow.postMessage(msg, origin);
    else { w.queue.push(msg); load(w); }
  }

  function emit(w, type, data) {
    var hs = w.handlers[type] || [];
    for (var i = 0; i < hs.length; i++) {
      try { hs[i](data); } catch (err) { setTimeout(function () { throw err; }); }
    }
  }

  var seen = typeof IntersectionObserver === 'function'
    ? new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) { seen.unobserve(e.target); load(e.target.netlab); }
      });
    }, { rootMargin: '100px' })
    : null;

  function scan() {
    var els = document.querySelectorAll('[data-netlab]');
    for (var i = 0; i < els.length; i++) setup(els[i]);
  }

  window.addEventListener('message', function (e) {
    if (e.origin !== origin || !e.data || typeof e.data.type !== 'string') return;
    var w = null;
    for (var i = 0; i < widgets.length; i++) {
      if (widgets[i].frame && widgets[i].frame.contentWindow === e.source) { w = widgets[i]; break; }
    }
    if (!w) return;
    var d = e.data;
    if (d.type === 'netlab:size') {
      // The compact widget fits the reserved height; opened up ("all hops
      // and rules") it may be taller.
      var h = Math.min(4000, Math.ceil(Number(d.height) || 0));
      w.box.style.height = d.compact || !h ? w.reserved : 'max(' + w.reserved + ', ' + h + 'px)';
    } else if (d.type === 'netlab:ready') {
      w.ready = true;
      reveal(w);
      var q = w.queue;
      w.queue = [];
      for (var j = 0; j < q.length; j++) w.frame.contentWindow.postMessage(q[j], origin);
      emit(w, 'ready', {});
    } else if (d.type === 'netlab:verdict') {
      var v = {};
      for (var k in d) if (k !== 'type' && k !== 'id') v[k] = d[k];
      if (d.id) {
        w.waiting = w.waiting.filter(function (p) {
          if (p.id !== d.id) return true;
          p.resolve(v);
          return false;
        });
      }
      emit(w, 'verdict', v);
    }
  });

  // data-theme="auto" follows the page's colour scheme as it changes.
  if (dark && dark.addEventListener) {
    dark.addEventListener('change', function () {
      widgets.forEach(function (w) {
        var t = attr(w.el, 'data-theme');
        if (t === 'light' || t === 'dark') return;
        if (w.ready) post(w, { type: 'netlab:theme', theme: theme(w.el) });
        // (An adopted poster is a <picture> that follows the page itself.)
        var img = !w.adopted && w.parts[0] && w.parts[0].querySelector('img');
        if (img) img.src = posterUrl(w);
      });
    });
  }

  // The control API for one widget (an element or a selector).
  function widget(el) {
    if (typeof el === 'string') el = document.querySelector(el);
    if (!el || !el.hasAttribute('data-netlab')) throw new Error('netlab.widget: not a data-netlab element');
    var w = setup(el);
    var api = {
      element: el,
      // load({preset: 'nodeport'}) or load({scenario: 'YAML or JSON text'})
      load: function (what) {
        var m = { type: 'netlab:load' };
        if (typeof what === 'string') m.preset = what;
        else { m.preset = what && what.preset; m.scenario = what && what.scenario; }
        post(w, m);
        return api;
      },
      // Sends a request; resolves with its verdict.
      send: function (from, to) {
        var id = 'r' + (++seq);
        return new Promise(function (resolve) {
          w.waiting.push({ id: id, resolve: resolve });
          post(w, { type: 'netlab:send', id: id, from: String(from), to: String(to) });
        });
      },
      // Shows hop `to` (0: none, a large number: all), or the next one.
      step: function (to) {
        post(w, to === undefined ? { type: 'netlab:step' } : { type: 'netlab:step', to: to });
        return api;
      },
      // on('ready' | 'verdict', fn)
      on: function (type, fn) {
        (w.handlers[type] = w.handlers[type] || []).push(fn);
        return api;
      },
      // Loads the live widget now.
      show: function () { load(w); return api; }
    };
    return api;
  }

  window.netlab = { scan: scan, widget: widget };
  // The elements above the script get their posters at once; the rest as
  // the parser adds them (loaded from <head>, before the page's first
  // paint: no layout shift), and at the end of parsing.
  scan();
  if (document.readyState === 'loading') {
    var parsing = typeof MutationObserver === 'function'
      ? new MutationObserver(function (records) {
        for (var i = 0; i < records.length; i++) {
          var added = records[i].addedNodes;
          for (var j = 0; j < added.length; j++) {
            var n = added[j];
            if (n.nodeType === 1 && n.hasAttribute('data-netlab')) setup(n);
          }
        }
      })
      : null;
    if (parsing) parsing.observe(document.documentElement, { childList: true, subtree: true });
    document.addEventListener('DOMContentLoaded', function () {
      if (parsing) parsing.disconnect();
      scan();
    });
  }
})();

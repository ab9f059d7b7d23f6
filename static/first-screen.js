// Runs in index.html's <head>, before the body is parsed: decides whether
// the prerendered first screen (#first-screen, the playground's untouched
// start: the story cluster, its request filled in, nothing traced) is what
// the app will show on this visit. Only then is it revealed (a class on
// <html>, see style.css); otherwise it is removed and the loading skeleton
// stays, so that a returning reader never sees a cluster that is not theirs.
// It is what the app decides at start-up, read the same way:
// - another page (?embed, ?lesson, ?tutorial) or a share link (#s=...);
// - saved work or an unapplied YAML draft in local storage (ui/storage.rs's
//   keys; the app saves nothing before the first change);
// - Korean, by saved choice or by the browser's language (the first screen
//   is English).
(function () {
  'use strict';
  var show = false;
  try {
    var ls = window.localStorage;
    var p = 'k8s-netlab/v1/';
    var lang = ls.getItem(p + 'pref/lang') || navigator.language || '';
    show = !location.search && location.hash.replace(/^#/, '') === ''
      && ls.getItem(p + 'workspace') === null && ls.getItem(p + 'yaml-draft') === null
      && lang.trim().split(/[-_]/)[0].toLowerCase() !== 'ko';
  } catch (e) {
    show = false; // storage blocked: the app cannot tell either
  }
  var root = document.documentElement;
  if (show) {
    root.classList.add('first-screen-shown');
    return;
  }
  document.addEventListener('DOMContentLoaded', function () {
    var el = document.getElementById('first-screen');
    if (el) el.parentNode.removeChild(el);
  });
})();

/* Notiziario embed: the latest articles of a category, drawn inside a Shadow DOM so the host
 * page's styles do not reach in and ours do not reach out.
 *   <script src="https://news.example/embed.js" data-category="salute" data-limit="5" async></script>
 * Optional: data-target="#some-id" draws into that element instead of after the script.
 * Feed text is set with textContent only: nothing from the feed is parsed as HTML. */
(function () {
  'use strict';
  var OPTIONS = /*@options*/{};
  var script = document.currentScript;
  if (!script || !script.src) return;

  var base = script.src.replace(/\/embed\.js(?:[?#].*)?$/, '');
  var slug = script.getAttribute('data-category') || '';
  var limit = Math.min(Math.max(parseInt(script.getAttribute('data-limit'), 10) || 5, 1), OPTIONS.maxItems || 20);
  var text = OPTIONS.text || { all: 'All news', empty: 'No articles yet.', error: 'The news could not be loaded.' };

  // Every inherited property is reset on our root, then set: nothing inherits from the host.
  var CSS =
    ':host{display:block}' +
    '.root{all:initial;display:block;box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;' +
    'font-size:15px;line-height:1.45;color:#1d1d1f;background:#fff;border:1px solid #d9d6cf;border-radius:10px;padding:14px 16px;text-align:start}' +
    '.title{display:block;margin:0 0 8px;font-weight:700;font-size:13px;letter-spacing:.06em;text-transform:uppercase;color:#8a2c0d}' +
    'ul{list-style:none;margin:0;padding:0}' +
    'li{margin:0;padding:9px 0;border-top:1px solid #ece9e2}' +
    'li:first-child{border-top:0}' +
    'a{color:#0a4f9e;text-decoration:none;font-weight:600}' +
    'a:hover{text-decoration:underline}' +
    'a:focus-visible{outline:3px solid #0a4f9e;outline-offset:2px;border-radius:2px}' +
    'time{display:block;margin-top:2px;font-size:13px;color:#5c5a55}' +
    '.more{display:inline-block;margin-top:8px;font-size:14px}' +
    '.note{margin:0;color:#5c5a55}';

  var host = document.createElement('notiziario-news');
  var target = script.getAttribute('data-target');
  var container = target ? document.querySelector(target) : null;
  if (container) container.appendChild(host);
  else script.parentNode.insertBefore(host, script.nextSibling);

  var shadow = host.attachShadow({ mode: 'open' });
  addStyles(shadow);
  var root = element('section', 'root');
  root.setAttribute('part', 'root');
  root.setAttribute('aria-busy', 'true');
  shadow.appendChild(root);

  var feedUrl = base + (slug ? '/categories/' + encodeURIComponent(slug) : '') + '/feed.json';
  fetch(feedUrl, { mode: 'cors', credentials: 'omit' })
    .then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    })
    .then(render, function () {
      root.appendChild(element('p', 'note', text.error));
    })
    .then(function () {
      root.removeAttribute('aria-busy');
      host.setAttribute('data-state', 'ready');
    });

  function render(feed) {
    root.setAttribute('aria-label', feed.title || '');
    var title = element('span', 'title', feed.title || '');
    title.setAttribute('part', 'title');
    root.appendChild(title);
    var items = (feed.items || []).slice(0, limit);
    if (items.length === 0) root.appendChild(element('p', 'note', text.empty));
    var list = element('ul');
    items.forEach(function (item) {
      var entry = element('li');
      entry.setAttribute('part', 'item');
      entry.appendChild(link(item.url, item.title || item.url));
      if (item.date_published) {
        var time = element('time', '', formatDate(item.date_published));
        time.setAttribute('datetime', item.date_published);
        entry.appendChild(time);
      }
      list.appendChild(entry);
    });
    if (items.length) root.appendChild(list);
    if (feed.home_page_url) root.appendChild(link(feed.home_page_url, text.all + ' →', 'more'));
  }

  function link(href, label, className) {
    var anchor = element('a', className, label);
    // Only web links from the feed become links.
    if (/^https?:\/\//i.test(href || '')) anchor.href = href;
    return anchor;
  }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function formatDate(iso) {
    try {
      return new Intl.DateTimeFormat(OPTIONS.language, { dateStyle: 'long', timeZone: OPTIONS.timeZone }).format(new Date(iso));
    } catch (err) {
      return iso.slice(0, 10);
    }
  }

  // Constructed style sheets are not blocked by a host's style-src policy; <style> is the fallback.
  function addStyles(target) {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      target.adoptedStyleSheets = [sheet];
    } catch (err) {
      target.appendChild(element('style', '', CSS));
    }
  }
})();

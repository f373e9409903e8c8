/* search.js — the hub's search client: no dependencies, no framework, no inline code.
 *
 * Loaded only by the search page (/search/, /<code>/search/), which passes everything in
 * data- attributes of #search-app: the manifest URL of its language's index, the language
 * code and the UI strings. Results are built with createElement/textContent only.
 *
 * The tokeniser below must give exactly the terms of src/search/tokenize.rs; both are checked
 * against tests/search_vectors.json (cargo test; the JS side through Node in
 * tests/cli/search.rs). The client never stems: the index already maps every form of a word
 * found on the site to the postings of its whole stem group (see src/search/index.rs).
 */
(function () {
  'use strict';

  // ---- Tokeniser (keep in step with src/search/tokenize.rs) ----

  var ZWNJ = '\u200C';
  var ZWJ = '\u200D';
  // Han, Hiragana, Katakana: indexed as overlapping bigrams (tokenize.rs `CJK`).
  var CJK = [[0x3040, 0x30FF], [0x31F0, 0x31FF], [0x3400, 0x4DBF], [0x4E00, 0x9FFF],
    [0xF900, 0xFAFF], [0x20000, 0x3FFFF]];
  var WORD = /^[\p{Alphabetic}\p{N}\p{M}]$/u;
  var MARK = /^\p{M}$/u;
  var LATIN_SPECIAL = new Map([['ё', 'е'], ['ł', 'l'], ['đ', 'd'], ['ø', 'o'], ['ı', 'i'], ['ß', 'ss'],
    ['æ', 'ae'], ['œ', 'oe'], ['ħ', 'h']]);

  function isCjk(cp) {
    for (var i = 0; i < CJK.length; i++) {
      if (cp >= CJK[i][0] && cp <= CJK[i][1]) return true;
    }
    return false;
  }
  function isWord(ch) { return WORD.test(ch); }
  function isLatin(cp) {
    return (cp >= 0x41 && cp <= 0x5A) || (cp >= 0x61 && cp <= 0x7A) ||
      (cp >= 0xC0 && cp <= 0x24F) || (cp >= 0x1E00 && cp <= 0x1EFF);
  }
  function isDiacritic(cp) { return cp >= 0x300 && cp <= 0x36F; }

  // Arabic-script folding (tokenize.rs `fold_arabic`): undefined keeps, '' drops.
  function foldArabic(cp) {
    if ((cp >= 0x64B && cp <= 0x65F) || cp === 0x670 || (cp >= 0x6D6 && cp <= 0x6ED) ||
      cp === 0x640) return '';
    if (cp === 0x622 || cp === 0x623 || cp === 0x625 || cp === 0x671) return '\u0627';
    if (cp === 0x649 || cp === 0x6CC || cp === 0x626) return '\u064A';
    if (cp === 0x6A9 || cp === 0x6AA) return '\u0643';
    if (cp === 0x629 || cp === 0x6C1 || cp === 0x6BE || cp === 0x6C0) return '\u0647';
    if (cp === 0x624) return '\u0648';
    if (cp >= 0x660 && cp <= 0x669) return String.fromCharCode(cp - 0x660 + 0x30);
    if (cp >= 0x6F0 && cp <= 0x6F9) return String.fromCharCode(cp - 0x6F0 + 0x30);
    return undefined;
  }

  function foldLatin(word) {
    var out = '';
    var afterLatin = false;
    for (var ch of word) {
      var cp = ch.codePointAt(0);
      if (isDiacritic(cp)) {
        if (!afterLatin) out += ch;
        continue;
      }
      var special = LATIN_SPECIAL.get(ch);
      if (special !== undefined) {
        out += special;
        afterLatin = true;
        continue;
      }
      if (isLatin(cp)) {
        for (var d of ch.normalize('NFD')) {
          if (!isDiacritic(d.codePointAt(0))) out += d;
        }
        afterLatin = true;
      } else {
        out += ch;
        if (!MARK.test(ch)) afterLatin = false;
      }
    }
    return out;
  }

  function stripJoiners(s) { return s.split(ZWNJ).join('').split(ZWJ).join(''); }

  function foldWord(run, lang) {
    var lower = '';
    for (var ch of run) lower += ch.toLowerCase();
    lower = lower.normalize('NFC');
    var arabic = '';
    for (var c of lower) {
      var f = foldArabic(c.codePointAt(0));
      arabic += f === undefined ? c : f;
    }
    var folded = foldLatin(arabic).normalize('NFC');
    var term = folded;
    var alt = null;
    if (lang === 'vi') {
      term = arabic.normalize('NFC');
      alt = folded !== term ? folded : null;
    }
    if (term.indexOf(ZWNJ) >= 0 || term.indexOf(ZWJ) >= 0) {
      var joined = stripJoiners(alt !== null ? alt : term);
      alt = joined !== term ? joined : null;
    }
    var any = false;
    for (var w of term) { if (isWord(w)) { any = true; break; } }
    return any ? { term: term, alt: alt } : null;
  }

  // Tokens of `text` with UTF-16 offsets into text.normalize('NFC').
  function tokenize(text, lang) {
    text = text.normalize('NFC');
    var chars = [];
    var pos = [];
    var p = 0;
    for (var ch of text) {
      chars.push(ch);
      pos.push(p);
      p += ch.length;
    }
    pos.push(p);
    var out = [];
    var push = function (run, start, end) {
      var t = foldWord(run, lang);
      if (t) {
        t.start = pos[start];
        t.end = pos[end];
        out.push(t);
      }
    };
    var i = 0;
    while (i < chars.length) {
      var cp = chars[i].codePointAt(0);
      var start = i;
      if (isCjk(cp)) {
        while (i < chars.length && isCjk(chars[i].codePointAt(0))) i++;
        if (i - start === 1) {
          push(chars[start], start, i);
        } else {
          for (var k = start; k + 1 < i; k++) push(chars[k] + chars[k + 1], k, k + 2);
        }
      } else if (isWord(chars[i])) {
        while (i < chars.length) {
          var d = chars[i];
          var next = chars[i + 1];
          var joiner = (d === ZWNJ || d === ZWJ) && next !== undefined && isWord(next) &&
            !isCjk(next.codePointAt(0));
          if ((isWord(d) && !isCjk(d.codePointAt(0))) || joiner) i++;
          else break;
        }
        push(chars.slice(start, i).join(''), start, i);
      } else {
        i++;
      }
    }
    return out;
  }

  // ---- Index lookup and ranking ----

  // Code-point order, the order Rust sorts the terms in (plain < compares UTF-16 units).
  function cmp(a, b) {
    var i = 0;
    var j = 0;
    while (i < a.length && j < b.length) {
      var x = a.codePointAt(i);
      var y = b.codePointAt(j);
      if (x !== y) return x < y ? -1 : 1;
      i += x > 0xFFFF ? 2 : 1;
      j += y > 0xFFFF ? 2 : 1;
    }
    if (i < a.length) return 1;
    if (j < b.length) return -1;
    return 0;
  }

  function startsWith(s, p) { return s.length >= p.length && s.slice(0, p.length) === p; }
  function cpLength(s) { return Array.from(s).length; }

  // Results shown. Their metadata is fetched (and checked for the exact phrase, which moves
  // a result up among these); the rest are counted, not shown.
  var SHOW = 10;

  // `fetchJson(url)` returns a promise of parsed JSON (window.fetch, or files in tests).
  // Postings string → numbers (src/search/postings.rs): base-32 digits, most significant
  // first; '#'..'B' are digits with more to come, '_'..'~' a number's last digit.
  function decode(s) {
    var out = [];
    var v = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0x5F) { out.push(v * 32 + c - 0x5F); v = 0; } else v = v * 32 + c - 0x23;
    }
    return out;
  }

  function createSearch(manifestUrl, lang, fetchJson) {
    var dir = manifestUrl.slice(0, manifestUrl.lastIndexOf('/') + 1);
    var cache = new Map();
    function get(url) {
      if (!cache.has(url)) {
        var p = fetchJson(url);
        cache.set(url, p);
        p.catch(function () { cache.delete(url); });
      }
      return cache.get(url);
    }
    function manifest() { return get(manifestUrl); }

    // The manifest lists file hashes as one string of 10-hex-digit names.
    function hashAt(list, i) { return list.slice(i * 10, i * 10 + 10); }
    // Index of the shard that holds `term` (last shard whose first term sorts <= term).
    function shardOf(m, term) {
      var lo = 0;
      var hi = m.firsts.length - 1;
      while (lo < hi) {
        var mid = (lo + hi + 1) >> 1;
        if (cmp(m.firsts[mid], term) <= 0) lo = mid; else hi = mid - 1;
      }
      return lo;
    }
    function shard(m, i) {
      return get(dir + 's.' + hashAt(m.shards, i) + '.json').then(function (rows) {
        if (rows.byTerm) return rows;
        var map = new Map();
        // Postings stay a string until a query uses them (decode); a number is the row of an
        // earlier word of the same stem group, whose postings object is shared.
        rows.forEach(function (r) { if (typeof r[1] === 'string') map.set(r[0], { s: r[1] }); });
        rows.forEach(function (r) {
          if (typeof r[1] === 'number') map.set(r[0], (rows[r[1]] && map.get(rows[r[1]][0])) || { s: '' });
        });
        rows.byTerm = map;
        return rows;
      });
    }
    // [[word, postings]] for the exact term, or every word starting with it.
    function lookup(m, term, prefix) {
      var first = shardOf(m, term);
      var last = prefix ? shardOf(m, term + '\u{10FFFF}') : first;
      var loads = [];
      for (var i = first; i <= last; i++) loads.push(shard(m, i));
      return Promise.all(loads).then(function (shards) {
        var found = [];
        shards.forEach(function (rows) {
          if (!prefix) {
            if (rows.byTerm.has(term)) found.push([term, rows.byTerm.get(term), rows]);
            return;
          }
          rows.forEach(function (r) {
            if (startsWith(r[0], term)) found.push([r[0], rows.byTerm.get(r[0]), rows]);
          });
        });
        return found;
      });
    }
    function meta(m, page) {
      var chunk = Math.floor(page / m.per);
      return get(dir + 'm.' + hashAt(m.meta, chunk) + '.json').then(function (pages) {
        return pages[page - chunk * m.per];
      });
    }

    function query(q) {
      var tokens = tokenize(q, lang);
      var terms = [];
      tokens.forEach(function (t) { if (terms.indexOf(t.term) < 0 && terms.length < 10) terms.push(t.term); });
      if (!terms.length) return Promise.resolve({ terms: [], results: [], total: 0 });
      var lastTerm = terms[terms.length - 1];
      // Prefix match on the last word typed, unless the query ends after it.
      var ended = /[\s\p{P}]$/u.test(q);
      var lastIsCjk = isCjk(lastTerm.codePointAt(0));
      var prefix = !ended && (lastIsCjk || cpLength(lastTerm) >= 2) ? lastTerm : null;
      return manifest().then(function (m) {
        return Promise.all(terms.map(function (t, i) {
          return lookup(m, t, i === terms.length - 1 && prefix !== null);
        })).then(function (found) { return rank(m, terms, prefix, found); });
      });
    }

    function rank(m, terms, prefix, found) {
      var pages = new Map(); // page -> {best score per term, block mask per term}
      var words = new Set(terms);
      found.forEach(function (list, ti) {
        var seen = new Set();
        list.forEach(function (hit) {
          var word = hit[0];
          var postings = hit[1];
          if (seen.has(postings)) return;
          seen.add(postings);
          words.add(word);
          // Other forms of the same stem group share the same postings array.
          hit[2].forEach(function (r) { if (hit[2].byTerm.get(r[0]) === postings) words.add(r[0]); });
          var exact = word === terms[ti];
          var nums = postings.list || (postings.list = decode(postings.s));
          var page = 0;
          for (var k = 0; k + 2 < nums.length; k += 3) {
            page += nums[k];
            var p = pages.get(page);
            if (!p) {
              p = { page: page, best: new Array(terms.length).fill(0), masks: new Array(terms.length).fill(0) };
              pages.set(page, p);
            }
            var score = nums[k + 2] * (exact ? 1 : 0.7);
            if (score > p.best[ti]) p.best[ti] = score;
            p.masks[ti] |= nums[k + 1];
          }
        });
      });
      var list = [];
      pages.forEach(function (p) {
        p.all = p.best.every(function (s) { return s > 0; });
        p.score = p.best.reduce(function (a, b) { return a + b; }, 0);
        // Blocks holding every word: the words meet under one heading.
        p.together = p.masks.reduce(function (a, b) { return a & b; }, -1);
        if (p.all && terms.length > 1 && p.together) p.score *= 1.25;
        list.push(p);
      });
      var order = function (a, b) {
        return (b.phrase ? 1 : 0) - (a.phrase ? 1 : 0) || (b.all ? 1 : 0) - (a.all ? 1 : 0) ||
          b.score - a.score || a.page - b.page;
      };
      list.sort(order);
      var top = list.slice(0, SHOW);
      return Promise.all(top.map(function (p) { return meta(m, p.page); })).then(function (metas) {
        top.forEach(function (p, i) {
          p.meta = metas[i];
          p.phrase = terms.length > 1 && hasPhrase(p.meta, terms);
        });
        top.sort(order);
        return {
          terms: terms,
          prefix: prefix,
          words: words,
          total: list.length,
          results: top.map(function (p) { return present(p); })
        };
      });
    }

    function hasPhrase(meta, terms) {
      var texts = [meta.t];
      meta.b.forEach(function (b) { texts.push(b[1], b[2]); });
      return texts.some(function (text) {
        var seq = tokenize(text, lang);
        for (var i = 0; i + terms.length <= seq.length; i++) {
          var ok = true;
          for (var j = 0; j < terms.length && ok; j++) {
            ok = seq[i + j].term === terms[j] || seq[i + j].alt === terms[j];
          }
          if (ok) return true;
        }
        return false;
      });
    }

    // Blocks of a mask, in page order (bit 31 stands for every block past 30: not linkable).
    function blocksOf(mask) {
      var out = [];
      for (var b = 0; b < 31; b++) if (mask & (1 << b)) out.push(b);
      return out;
    }

    function present(p) {
      var m = p.meta;
      var any = p.masks.reduce(function (a, b) { return a | b; }, 0);
      var main = blocksOf(p.together || any)[0] || 0;
      var base = m.u.split('#')[0];
      var subs = blocksOf(p.together).concat(blocksOf(any & ~p.together))
        .filter(function (b) { return b > 0 && m.b[b] && m.b[b][0]; })
        .slice(0, 3)
        .map(function (b) { return { url: base + '#' + m.b[b][0], heading: m.b[b][1], excerpt: m.b[b][2] }; });
      return {
        page: p.page, url: m.u, title: m.t, context: m.c, score: p.score, all: p.all,
        phrase: p.phrase, excerpt: (m.b[main] || m.b[0] || ['', '', ''])[2], subs: subs
      };
    }

    return { query: query, manifest: manifest };
  }

  // Ranges of `text` (NFC) whose tokens matched the query, merged, for <mark>.
  function highlights(text, lang, found) {
    var ranges = [];
    tokenize(text, lang).forEach(function (t) {
      var hit = found.words.has(t.term) || (t.alt !== null && found.words.has(t.alt)) ||
        (found.prefix && startsWith(t.term, found.prefix));
      if (!hit) return;
      var last = ranges[ranges.length - 1];
      if (last && t.start <= last[1]) last[1] = Math.max(last[1], t.end);
      else ranges.push([t.start, t.end]);
    });
    return ranges;
  }

  // ---- The search page ----

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, k) {
      return Object.prototype.hasOwnProperty.call(values, k) ? values[k] : all;
    });
  }

  function appendMarked(el, text, lang, found) {
    text = text.normalize('NFC');
    var at = 0;
    highlights(text, lang, found).forEach(function (r) {
      if (r[0] > at) el.appendChild(document.createTextNode(text.slice(at, r[0])));
      var mark = document.createElement('mark');
      mark.textContent = text.slice(r[0], r[1]);
      el.appendChild(mark);
      at = r[1];
    });
    if (at < text.length) el.appendChild(document.createTextNode(text.slice(at)));
  }

  function init() {
    var app = document.getElementById('search-app');
    if (!app || !window.fetch) return;
    var d = app.dataset;
    var lang = d.lang;
    var input = document.getElementById('search-q');
    var form = input.form;
    var status = document.getElementById('search-status');
    var list = document.getElementById('search-results');
    var search = createSearch(d.manifest, lang, function (url) {
      return fetch(url, { credentials: 'same-origin' }).then(function (r) {
        if (!r.ok) throw new Error(url + ': ' + r.status);
        return r.json();
      });
    });
    var generation = 0;
    var statusTimer = 0;
    function say(text, now) {
      // Announce once typing pauses, not on every keystroke.
      clearTimeout(statusTimer);
      if (now) status.textContent = text;
      else statusTimer = setTimeout(function () { status.textContent = text; }, 600);
    }
    function show(found, q) {
      list.textContent = '';
      found.results.forEach(function (r) {
        var li = document.createElement('li');
        li.className = 'search-result';
        var h = document.createElement('h2');
        var a = document.createElement('a');
        a.href = r.url;
        appendMarked(a, r.title, lang, found);
        h.appendChild(a);
        li.appendChild(h);
        if (r.context) {
          var where = document.createElement('p');
          where.className = 'search-where';
          where.textContent = fill(d.in, { section: r.context });
          li.appendChild(where);
        }
        if (r.excerpt) {
          var p = document.createElement('p');
          appendMarked(p, r.excerpt, lang, found);
          li.appendChild(p);
        }
        if (r.subs.length) {
          var ul = document.createElement('ul');
          ul.className = 'search-subresults';
          r.subs.forEach(function (s) {
            var sli = document.createElement('li');
            var sa = document.createElement('a');
            sa.href = s.url;
            appendMarked(sa, s.heading, lang, found);
            sli.appendChild(sa);
            if (s.excerpt) {
              var sp = document.createElement('p');
              appendMarked(sp, s.excerpt, lang, found);
              sli.appendChild(sp);
            }
            ul.appendChild(sli);
          });
          li.appendChild(ul);
        }
        list.appendChild(li);
      });
      var n = found.total;
      var text = n === 0 ? d.none : n === 1 ? d.countOne : d.countMany;
      return fill(text, { count: String(n), query: q.trim() });
    }
    function run(q, now) {
      var mine = ++generation;
      if (!q.trim()) {
        list.textContent = '';
        say('', true);
        return;
      }
      if (now) say(d.loading, true);
      search.query(q).then(function (found) {
        if (mine !== generation) return;
        say(show(found, q), now);
      }, function () {
        if (mine !== generation) return;
        say(d.failed, true);
      });
    }
    function remember(q) {
      var url = new URL(window.location.href);
      if (q) url.searchParams.set('q', q); else url.searchParams.delete('q');
      window.history.replaceState(null, '', url.pathname + url.search);
    }
    input.addEventListener('input', function () {
      remember(input.value);
      run(input.value, false);
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      remember(input.value);
      run(input.value, true);
    });
    var q = new URLSearchParams(window.location.search).get('q') || '';
    if (q) {
      input.value = q;
      run(q, true);
    }
  }

  var api = { tokenize: tokenize, createSearch: createSearch, cmp: cmp, highlights: highlights };
  if (typeof module === 'object' && module && module.exports) module.exports = api;
  if (typeof document !== 'undefined') {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
    else init();
  }
})();

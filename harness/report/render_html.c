/* results/index.html: one static, self-contained page (inline CSS and JS,
 * no network, no external assets). The records are embedded as JSON; the
 * script draws the matrix, filters it by area, release, build mode, host
 * and status, opens a cell's record (evidence, stderr, claims) on click,
 * shows the claims ledger and links the benchmark plots found beside it.
 *
 * The page keeps its state in the URL fragment — #area=abi&go=go1.22.12&
 * buildmode=c-shared&host=c-dlopen&status=fail&open=r0123456789ab — so a
 * view can be linked (matrix.md and claims.md link records that way). */
#define _GNU_SOURCE
#include "report.h"
#include "record.h"

#include <string.h>

static const char CSS[] =
    "*{box-sizing:border-box}body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fff}"
    "header,nav,main{padding:0 1.2rem}header h1{font-size:1.4rem;margin:.8rem 0 .2rem}"
    "nav a{margin-right:1rem}#meta{color:#57606a;margin:.2rem 0}"
    "#filters{position:sticky;top:0;background:#f6f8fa;border-bottom:1px solid #d0d7de;padding:.5rem 1.2rem;z-index:2;"
    "display:flex;flex-wrap:wrap;gap:.6rem;align-items:center}#filters label{font-size:12px;color:#57606a}"
    "#filters select{margin-left:.25rem}#shown{margin-left:auto;color:#57606a}"
    "table{border-collapse:collapse;margin:.4rem 0 1rem}th,td{border:1px solid #d0d7de;padding:2px 6px;text-align:left;"
    "vertical-align:top}th{background:#f6f8fa;position:sticky;top:2.6rem}td.cell{padding:0;text-align:center}"
    "td.cell button{all:unset;cursor:pointer;display:block;padding:2px 8px;min-width:3.2em}"
    "td.cell button:focus{outline:2px solid #0969da}"
    ".st-pass{background:#dafbe1}.st-fail{background:#ffcecb;font-weight:bold}.st-xfail{background:#fff8c5}"
    ".st-xpass{background:#ffd8b5;font-weight:bold}.st-skip{background:#eaeef2;color:#57606a}"
    ".st-error{background:#ff8182;font-weight:bold}.v-holds{background:#dafbe1}.v-refuted{background:#ffcecb}"
    ".v-partly{background:#fff8c5}.v-untested,.v-na{background:#eaeef2;color:#57606a}"
    "#panel{position:fixed;right:0;top:0;bottom:0;width:min(46rem,100%);overflow:auto;background:#fff;"
    "border-left:2px solid #0969da;padding:1rem 1.2rem;box-shadow:-4px 0 12px #0002;z-index:3}"
    "#panel[hidden]{display:none}#panel pre{background:#f6f8fa;padding:.5rem;overflow:auto;max-height:24rem;"
    "white-space:pre-wrap;word-break:break-all}#panel dt{font-weight:bold}#panel dd{margin:0 0 .4rem 0}"
    "#close{float:right}.claim-ev{font-size:12px}figure{display:inline-block;margin:.5rem}figure img{max-width:40rem}"
    "h2{margin-top:1.4rem;border-bottom:1px solid #d0d7de}.legend span{padding:0 .4rem;margin-right:.3rem}";

/* The script: plain DOM, textContent only (record text is never parsed as HTML). */
static const char JS[] =
    "'use strict';\n"
    "const D=JSON.parse(document.getElementById('gocompat-data').textContent);\n"
    "const R=D.records,COL=D.cols,IDX=new Map();D.ids.forEach((id,i)=>IDX.set(id,i));\n"
    "const SHORT={pass:'ok',fail:'FAIL',xfail:'xf',xpass:'XP',skip:'skip',error:'ERR'};\n"
    "const KEYS=['area','go','buildmode','host','status'];\n"
    "const $=(s)=>document.querySelector(s);\n"
    "function el(t,a,txt){const e=document.createElement(t);if(a)for(const k in a)e.setAttribute(k,a[k]);"
    "if(txt!==undefined)e.textContent=String(txt);return e}\n"
    "function state(){const p=new URLSearchParams(location.hash.slice(1));const s={};"
    "for(const k of KEYS.concat(['open']))s[k]=p.get(k)||'';return s}\n"
    "function setState(s){const p=new URLSearchParams();for(const k in s)if(s[k])p.set(k,s[k]);"
    "const h='#'+p.toString();if(h!==location.hash)history.replaceState(null,'',h);draw()}\n"
    "function uniq(f){return [...new Set(R.map(f))].sort()}\n"
    "function outcome(o){if(!o)return '?';if(o.kind==='exit')return 'exit '+(o.code===undefined?'?':o.code);"
    "if(o.kind==='signal')return 'signal '+o.signal;return o.kind}\n"
    "function statusOk(st,want){if(!want)return true;if(want==='unexpected')return st==='fail'||st==='error'||st==='xpass';return st===want}\n"
    "function fillFilters(){const opts={area:uniq(r=>r.area),go:D.gos,buildmode:uniq(r=>r.buildmode),host:uniq(r=>r.host),"
    "status:['pass','fail','xfail','xpass','skip','error','unexpected']};for(const k of KEYS){const s=document.getElementById('f-'+k);"
    "s.appendChild(el('option',{value:''},'all'));for(const v of opts[k])s.appendChild(el('option',{value:v},v));"
    "s.addEventListener('change',()=>{const st=state();st[k]=s.value;setState(st)})}"
    "$('#reset').addEventListener('click',()=>setState({}))}\n"
    "function draw(){const s=state();for(const k of KEYS){const e=document.getElementById('f-'+k);e.value=s[k];"
    "if(e.value!==s[k])e.value=''}\n"
    " const gos=D.gos.filter(g=>!s.go||g===s.go);const rows=new Map();let shown=0;\n"
    " R.forEach((r,i)=>{if(s.area&&r.area!==s.area||s.buildmode&&r.buildmode!==s.buildmode||s.host&&r.host!==s.host||"
    "s.go&&COL[i]!==s.go||!statusOk(r.status,s.status))return;shown++;const k=r.area+'\\u001f'+r.case+'\\u001f'+r.host+'\\u001f'+r.buildmode;"
    "let row=rows.get(k);if(!row){row={r:r,cells:{}};rows.set(k,row)}row.cells[COL[i]]=i});\n"
    " const m=$('#matrix');m.textContent='';let area=null,tb=null;\n"
    " for(const row of [...rows.values()].sort((a,b)=>a.r.area<b.r.area?-1:a.r.area>b.r.area?1:0)){"
    "if(row.r.area!==area){area=row.r.area;m.appendChild(el('h3',{id:'area-'+area},area));const t=el('table',{'class':'matrix'});"
    "const hr=el('tr');for(const h of ['case','host','buildmode'])hr.appendChild(el('th',null,h));"
    "for(const g of gos)hr.appendChild(el('th',null,g));t.appendChild(el('thead')).appendChild(hr);tb=el('tbody');t.appendChild(tb);m.appendChild(t)}\n"
    "  const tr=el('tr');tr.appendChild(el('td',null,row.r.case));tr.appendChild(el('td',null,row.r.host));"
    "tr.appendChild(el('td',null,row.r.buildmode));\n"
    "  for(const g of gos){const i=row.cells[g];if(i===undefined){tr.appendChild(el('td',{'class':'cell empty'},''));continue}"
    "const r=R[i];const td=el('td',{'class':'cell st-'+r.status,'data-id':D.ids[i],'data-status':r.status});"
    "const b=el('button',{type:'button',title:COL[i]+' '+r.case+' '+r.host+' '+r.buildmode+': '+r.status},SHORT[r.status]||r.status);"
    "b.addEventListener('click',()=>{const st=state();st.open=D.ids[i];setState(st)});td.appendChild(b);tr.appendChild(td)}\n"
    "  tb.appendChild(tr)}\n"
    " if(!rows.size)m.appendChild(el('p',{id:'nothing'},'No record matches these filters.'));\n"
    " $('#shown').textContent=shown+' of '+R.length+' records';panel(s.open)}\n"
    "function panel(id){const p=$('#panel');const i=IDX.get(id);if(!id||i===undefined){p.hidden=true;return}\n"
    " const r=R[i];const c=$('#panel-body');c.textContent='';p.hidden=false;\n"
    " c.appendChild(el('h2',{id:'panel-title'},r.case+' — '+r.host+' ['+r.buildmode+'] — '+COL[i]));\n"
    " const dl=el('dl');const add=(k,v)=>{if(v===undefined||v===null||v==='')return;dl.appendChild(el('dt',null,k));"
    "const dd=el('dd',{'data-field':k});if(v instanceof Node)dd.appendChild(v);else dd.textContent=String(v);dl.appendChild(dd)};\n"
    " add('status',r.status);add('outcome',outcome(r.outcome));add('expect',r.expect);add('detail',r.detail);\n"
    " if(r.upstream){const a=el('a',null,r.upstream);if(/^https:\\/\\//.test(r.upstream))a.href=r.upstream;add('upstream',a)}\n"
    " if(r.claims&&r.claims.length){const sp=el('span');r.claims.forEach(c=>{const a=el('a',{href:'#claim-'+c.replace('!','')},c);"
    "a.addEventListener('click',ev=>{ev.preventDefault();document.getElementById('claim-'+c.replace('!','')).scrollIntoView()});"
    "sp.appendChild(a);sp.appendChild(document.createTextNode(' '))});add('claims',sp)}\n"
    " add('duration',(r.duration_ms||0).toFixed(1)+' ms');add('goos/goarch',r.goos+'/'+r.goarch);add('record',D.ids[i]);\n"
    " c.appendChild(dl);c.appendChild(el('h3',null,'evidence'));c.appendChild(el('pre',{id:'evidence'},JSON.stringify(r.evidence,null,1)));\n"
    " if(r.stderr_head){c.appendChild(el('h3',null,'stderr (head)'));c.appendChild(el('pre',{id:'stderr'},r.stderr_head))}}\n"
    "function claims(){const t=$('#claims-table');if(!D.claims.length){t.replaceWith(el('p',null,'No claim list.'));return}\n"
    " const hr=el('tr');for(const h of ['claim','text','overall'].concat(D.gos))hr.appendChild(el('th',null,h));t.appendChild(hr);\n"
    " for(const c of D.claims){const tr=el('tr',{id:'claim-'+c.id});tr.appendChild(el('td',null,c.id));\n"
    "  const td=el('td');td.appendChild(el('div',null,c.text));td.appendChild(el('div',{'class':'claim-ev'},c.summary));\n"
    "  if(c.ev.length){const d=el('details',{'class':'claim-ev'});d.appendChild(el('summary',null,c.ev.length+' records'));\n"
    "   const ul=el('ul');d.addEventListener('toggle',()=>{if(ul.childNodes.length)return;for(const [id,bears] of c.ev.slice(0,500)){"
    "const j=IDX.get(id),r=R[j];if(!r)continue;const li=el('li');const a=el('a',{href:'#open='+id},COL[j]+' '+r.case+' '+r.host+' '+r.buildmode+': '+r.status);"
    "a.addEventListener('click',ev=>{ev.preventDefault();const st=state();st.open=id;setState(st)});li.appendChild(a);"
    "li.appendChild(document.createTextNode(' — '+bears+' — '+(r.detail||'')));ul.appendChild(li)}"
    "if(c.ev.length>500)ul.appendChild(el('li',null,'… '+(c.ev.length-500)+' more in claims.json'))});d.appendChild(ul);td.appendChild(d)}\n"
    "  tr.appendChild(td);tr.appendChild(el('td',{'class':'v-'+c.verdict.replace('/','')},c.verdict));\n"
    "  for(const g of D.gos){const v=(c.per[g]||{verdict:'untested'});tr.appendChild(el('td',{'class':'v-'+v.verdict.replace('/',''),"
    "title:v.summary||''},v.verdict))}t.appendChild(tr)}}\n"
    "fillFilters();claims();draw();\n"
    "$('#close').addEventListener('click',()=>{const st=state();st.open='';setState(st)});\n"
    "window.addEventListener('hashchange',draw);\n"
    "document.addEventListener('keydown',e=>{if(e.key==='Escape'){const st=state();if(st.open){st.open='';setState(st)}}});\n"
    "document.body.setAttribute('data-ready','1');\n";

/* The document head, the page's header, navigation and filter bar. */
static void html_top(const rmodel *m, FILE *f)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
          "style-src 'unsafe-inline'; img-src 'self' file: data:\">\n"
          "<title>gocompat — Go as a C library, release by release</title>\n<style>",
          f);
    fputs(CSS, f);
    fputs("</style>\n</head>\n<body>\n<header>\n<h1>gocompat compatibility matrix</h1>\n<p id=\"meta\">", f);
    fprintf(f, "%zu records over %zu Go release%s", m->n, m->gos.n, m->gos.n == 1 ? "" : "s");
    if (m->generated && *m->generated) {
        fputs(", generated ", f);
        xml_escape(f, m->generated);
    }
    fputs(". Click a cell for its evidence.</p>\n", f);
    fputs("<p class=\"legend\"><span class=\"st-pass\">ok pass</span><span class=\"st-fail\">FAIL not as expected</span>"
          "<span class=\"st-xfail\">xf expected failure</span><span class=\"st-xpass\">XP expected failure passed</span>"
          "<span class=\"st-skip\">skip</span><span class=\"st-error\">ERR harness could not tell</span></p>\n</header>\n",
          f);
    fputs("<nav><a href=\"#summary\" onclick=\"document.getElementById('summary').scrollIntoView();return false\">Summary</a>"
          "<a href=\"#claims\" onclick=\"document.getElementById('claims').scrollIntoView();return false\">Claims</a>"
          "<a href=\"#bench\" onclick=\"document.getElementById('bench').scrollIntoView();return false\">Benchmarks</a></nav>\n",
          f);
    fputs("<div id=\"filters\">", f);
    static const char *const keys[][2] = { { "area", "area" }, { "go", "Go release" }, { "buildmode", "build mode" },
                                           { "host", "host" }, { "status", "status" } };
    for (size_t k = 0; k < GC_ARRAY_LEN(keys); k++)
        fprintf(f, "<label>%s<select id=\"f-%s\" name=\"%s\"></select></label>", keys[k][1], keys[k][0], keys[k][0]);
    fputs("<button type=\"button\" id=\"reset\">reset</button><span id=\"shown\"></span></div>\n<main>\n", f);
}

/* Counts of each status per release. */
static void html_summary(const rmodel *m, FILE *f)
{
    fputs("<section id=\"summary\"><h2>Summary</h2>\n<table><tr><th>release</th>", f);
    for (size_t k = 0; k < STATUS_COUNT; k++) fprintf(f, "<th>%s</th>", rec_status_name(k));
    fputs("<th>total</th></tr>\n", f);
    for (size_t g = 0; g < m->gos.n; g++) {
        size_t c[STATUS_COUNT], n = 0;
        rmodel_counts(m, m->gos.v[g], c);
        fputs("<tr><td>", f);
        xml_escape(f, m->gos.v[g]);
        fputs("</td>", f);
        for (size_t k = 0; k < STATUS_COUNT; k++) {
            fprintf(f, "<td>%zu</td>", c[k]);
            n += c[k];
        }
        fprintf(f, "<td>%zu</td></tr>\n", n);
    }
    fputs("</table></section>\n", f);
}

static bool is_plot(const char *name) { return str_suffix(name, ".svg") || str_suffix(name, ".png"); }

/* Links to the benchmark documents, then the plots as figures. */
static void html_bench(const strlist *bench, FILE *f)
{
    fputs("<section id=\"bench\"><h2>Benchmarks</h2>\n", f);
    if (!bench || !bench->n) {
        fputs("<p id=\"no-bench\">No benchmark plots beside this page (run <code>gocompat bench</code>).</p>\n", f);
        return;
    }
    fputs("<p>", f);
    for (size_t i = 0; i < bench->n; i++)
        if (!is_plot(bench->v[i])) {
            fputs("<a class=\"bench-doc\" href=\"", f);
            xml_escape(f, bench->v[i]);
            fputs("\">", f);
            xml_escape(f, path_basename(bench->v[i]));
            fputs("</a> ", f);
        }
    fputs("</p>\n", f);
    for (size_t i = 0; i < bench->n; i++) {
        if (!is_plot(bench->v[i])) continue;
        fputs("<figure><a href=\"", f);
        xml_escape(f, bench->v[i]);
        fputs("\"><img alt=\"", f);
        xml_escape(f, bench->v[i]);
        fputs("\" src=\"", f);
        xml_escape(f, bench->v[i]);
        fputs("\"></a><figcaption>", f);
        xml_escape(f, path_basename(bench->v[i]));
        fputs("</figcaption></figure>\n", f);
    }
}

/* The data: records as they are in the matrix, their anchors and columns. */
static void html_records_data(const rmodel *m, FILE *f)
{
    fputs("{\"generated\":", f);
    json_str(f, m->generated ? m->generated : "", true);
    fputs(",\"gos\":[", f);
    for (size_t g = 0; g < m->gos.n; g++) {
        if (g) fputc(',', f);
        json_str(f, m->gos.v[g], true);
    }
    fputs("],\"ids\":[", f);
    for (size_t i = 0; i < m->n; i++) fprintf(f, "%s\"%s\"", i ? "," : "", m->v[i].id);
    /* Each record's column: its release, with the arch when the matrix has
     * several ("go1.22.12/arm64"). A record's own "go" field names only the
     * release, so the page keys cells and filters by this label. */
    fputs("],\"cols\":[", f);
    for (size_t i = 0; i < m->n; i++) {
        if (i) fputc(',', f);
        json_str(f, m->v[i].go, true);
    }
    fputs("],\"records\":[", f);
    for (size_t i = 0; i < m->n; i++) {
        if (i) fputc(',', f);
        fputs(m->v[i].json, f);
    }
    fputc(']', f);
}

/* One claim of the ledger: its verdicts per release and the cells behind them. */
static void html_claim_data(const rmodel *m, const ledger_claim *c, FILE *f)
{
    fputs("{\"id\":", f);
    json_str(f, c->id, true);
    fputs(",\"section\":", f);
    json_str(f, c->section, true);
    fputs(",\"text\":", f);
    json_str(f, c->text, true);
    fputs(",\"verdict\":", f);
    json_str(f, c->verdict, true);
    fputs(",\"summary\":", f);
    json_str(f, c->summary, true);
    fputs(",\"per\":{", f);
    for (size_t g = 0; g < m->gos.n; g++) {
        if (g) fputc(',', f);
        json_str(f, m->gos.v[g], true);
        fputs(":{\"verdict\":", f);
        json_str(f, c->per[g].verdict, true);
        fputs(",\"summary\":", f);
        json_str(f, c->per[g].summary, true);
        fputc('}', f);
    }
    fputs("},\"ev\":[", f);
    for (size_t k = 0; k < c->nev; k++)
        fprintf(f, "%s[\"%s\",\"%s\"]", k ? "," : "", m->v[c->ev[k].rec].id,
                c->ev[k].bears > 0 ? "supports" : c->ev[k].bears < 0 ? "refutes" : "no verdict");
    fputs("]}", f);
}

void render_html(const rmodel *m, const ledger *l, const strlist *bench, FILE *f)
{
    html_top(m, f);
    html_summary(m, f);
    fputs("<section><h2>Matrix</h2><div id=\"matrix\"><noscript>This page draws the matrix with JavaScript; "
          "matrix.md and matrix.csv hold the same records.</noscript></div></section>\n",
          f);
    fputs("<section id=\"claims\"><h2>Claims ledger</h2><p>Each claim's verdict per release, from the records of the "
          "cases that name it (claims.md and claims.json hold the same ledger).</p><table id=\"claims-table\"></table></section>\n",
          f);
    html_bench(bench, f);
    fputs("</section>\n</main>\n", f);
    fputs("<aside id=\"panel\" hidden><button type=\"button\" id=\"close\">close ✕</button><div id=\"panel-body\"></div></aside>\n", f);
    fputs("<script type=\"application/json\" id=\"gocompat-data\">", f);
    html_records_data(m, f);
    fputs(",\"claims\":[", f);
    for (size_t i = 0; i < l->n; i++) {
        if (i) fputc(',', f);
        html_claim_data(m, &l->v[i], f);
    }
    fputs("]}</script>\n<script>\n", f);
    fputs(JS, f);
    fputs("</script>\n</body>\n</html>\n", f);
}

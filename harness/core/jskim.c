#include "jskim.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Deeper objects are rare enough to leave to jansson (which allows 2048). */
#define SKIM_MAX_DEPTH 64

typedef struct {
    const char *end, *name;
    size_t name_len;
    json_span member;
    int seen;
} skim;

static const char *ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) p++;
    return p;
}

static int hex4(const char *p, const char *end)
{
    if (end - p < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

/* The string at p (its opening quote): the position after it. */
static const char *skim_string(const char *p, const char *end)
{
    for (p++; p < end; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"') return p + 1;
        if (c < 0x20) return NULL;
        if (c != '\\') continue;
        if (++p >= end) return NULL;
        if (*p == 'u') {
            /* \u0000 and surrogates have rules of their own in jansson. */
            int u = hex4(p + 1, end);
            if (u <= 0 || (u >= 0xD800 && u <= 0xDFFF)) return NULL;
            p += 4;
        } else if (!*p || !strchr("\"\\/bfnrt", *p))
            return NULL;
    }
    return NULL;
}

static const char *digits(const char *p, const char *end, size_t *n)
{
    const char *q = p;
    while (q < end && *q >= '0' && *q <= '9') q++;
    *n = (size_t)(q - p);
    return q;
}

/* A number that neither a 64-bit integer nor a double can fail to hold:
 * at most 18 digits for an integer; below 1e300 for a real. */
static const char *skim_number(const char *p, const char *end)
{
    if (p < end && *p == '-') p++;
    size_t ni, nf = 0, ne = 0;
    const char *q = digits(p, end, &ni);
    if (ni == 0 || (*p == '0' && ni > 1)) return NULL;
    bool real = false;
    if (q < end && *q == '.') {
        q = digits(q + 1, end, &nf);
        if (!nf) return NULL;
        real = true;
    }
    if (q < end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < end && (*q == '+' || *q == '-')) q++;
        q = digits(q, end, &ne);
        if (!ne) return NULL;
        real = true;
    }
    if (real ? ni > 200 || ne > 2 : ni > 18) return NULL;
    return q;
}

static const char *skim_literal(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(end - p) >= n && !memcmp(p, word, n) ? p + n : NULL;
}

static const char *skim_value(skim *k, const char *p, int depth);

/* A member's key at p: is it the one looked for, written without escapes? */
static bool is_name(const skim *k, const char *key, const char *after)
{
    return (size_t)(after - key) == k->name_len + 2 && !memcmp(key + 1, k->name, k->name_len);
}

static const char *skim_container(skim *k, const char *p, int depth)
{
    bool obj = *p == '{';
    char close = obj ? '}' : ']';
    p = ws(p + 1, k->end);
    if (p < k->end && *p == close) return p + 1;
    for (;;) {
        bool named = false;
        if (obj) {
            if (p >= k->end || *p != '"') return NULL;
            const char *key = p;
            if (!(p = skim_string(p, k->end))) return NULL;
            named = depth == 0 && is_name(k, key, p);
            p = ws(p, k->end);
            if (p >= k->end || *p != ':') return NULL;
            p = ws(p + 1, k->end);
        }
        const char *v = p;
        if (!(p = skim_value(k, p, depth + 1))) return NULL;
        if (named && k->seen++ == 0 && *v == '{') k->member = (json_span){ v, p };
        p = ws(p, k->end);
        if (p < k->end && *p == ',') {
            p = ws(p + 1, k->end);
            continue;
        }
        return p < k->end && *p == close ? p + 1 : NULL;
    }
}

static const char *skim_value(skim *k, const char *p, int depth)
{
    if (p >= k->end || depth > SKIM_MAX_DEPTH) return NULL;
    switch (*p) {
    case '"': return skim_string(p, k->end);
    case '{': case '[': return skim_container(k, p, depth);
    case 't': return skim_literal(p, k->end, "true");
    case 'f': return skim_literal(p, k->end, "false");
    case 'n': return skim_literal(p, k->end, "null");
    default: return skim_number(p, k->end);
    }
}

const char *json_skim_object(const char *p, const char *end, const char *name, json_span *member)
{
    skim k = { .end = end, .name = name, .name_len = strlen(name) };
    const char *e = p < end && *p == '{' ? skim_container(&k, p, 0) : NULL;
    *member = e && k.seen == 1 ? k.member : (json_span){ NULL, NULL };
    return e;
}

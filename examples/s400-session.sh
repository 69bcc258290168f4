#!/usr/bin/env bash
# The S-400 story over HTTP. Two articles disagree on when the remaining S-400 units arrive:
# register both, open the claim, record what each said (the quote must occur verbatim in the
# article), and read what claimline makes of it. Needs curl and node (no jq). Start the server
# (npm start), then, from the repository: bash examples/s400-session.sh
set -euo pipefail
cd "$(dirname "$0")/.."

API=${CLAIMLINE_URL:-http://localhost:3000}
# The editor key npm start generated and printed, as kept in the data dir (or CLAIMLINE_EDITOR_KEY).
KEY=${CLAIMLINE_EDITOR_KEY:-$(node -p 'require(require("path").resolve(process.argv[1])).find((k) => k.role === "editor").key' "${CLAIMLINE_DATA_DIR:-data}/api-keys.json")}

# A request with the key and a JSON body; stops the session on an error answer (printing it).
send() { curl -sS --fail-with-body -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' "$@"; }
# Some fields of the JSON on stdin, by path (`value.text`), as one line of JSON.
pick() { node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => { const o = JSON.parse(s); console.log(JSON.stringify(Object.fromEntries(process.argv.slice(1).map((p) => [p, p.split(".").reduce((v, k) => v?.[k], o)])))); });' "$@"; }
# One field of the JSON on stdin, as it is.
field() { node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s)[process.argv[1]]));' "$1"; }
# The body of POST /sources: title, publisher, published-at and the article's text from seeds/sources/.
article() { node -e 'const [title, publisher, publishedAt, file] = process.argv.slice(1); process.stdout.write(JSON.stringify({ title, publisher: publisher || null, publishedAt, text: require("fs").readFileSync(file, "utf8") }));' "$@"; }

echo '# 1. Register the two articles'
IRIGC=$(article '22nd IRIGC-M&MTC' '' 2025-12-04 seeds/sources/2025-12-irigc-22-s400-september-2026.txt | send --data-binary @- "$API/sources")
echo "$IRIGC" | pick id contentHash publishedAt.text
S1=$(echo "$IRIGC" | field id)
BS=$(article 'Reorienting defence ties' 'Business Standard' 2025-12-05 seeds/sources/2025-12-05-business-standard-reorienting-defence-ties.txt | send --data-binary @- "$API/sources")
echo "$BS" | pick id contentHash publishedAt.text
S2=$(echo "$BS" | field id)

echo '# 2. Open the claim'
CLAIM=$(send "$API/claims" -d '{"subject": "S-400 contract of 2018", "predicate": "remaining deliveries due", "valueType": "date"}')
echo "$CLAIM"
C=$(echo "$CLAIM" | field id)

echo '# 3. What the IRIGC-22 article said (If-Match: the revision we read)'
send "$API/claims/$C/assertions" -H 'If-Match: "0"' -d '{"sourceId": "'"$S1"'", "quote": {"exact": "remaining systems will be supplied by September 2026"},
  "value": {"text": "by September 2026"}, "speaker": "Moscow", "modality": "assured"}' | pick assertionId revision value.text value.bounds relationToPrevious

echo '# 4. What Business Standard said the next day'
send "$API/claims/$C/assertions" -H 'If-Match: "1"' -d '{"sourceId": "'"$S2"'", "quote": {"exact": "expected by 2026–27"},
  "value": {"text": "2026–27"}, "speaker": "Indian military sources", "modality": "expected"}' | pick revision value.text value.bounds relationToPrevious.relation relationToPrevious.explanation

echo '# 5. The same write again, on the revision it read before: 412, nothing appended'
curl -sS -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -H 'If-Match: "1"' -w '\nHTTP %{http_code}\n' "$API/claims/$C/assertions" \
  -d '{"sourceId": "'"$S2"'", "quote": {"exact": "expected by 2026–27"}, "value": {"text": "2026–27"}, "speaker": "Indian military sources"}'

echo '# 6. What claimline makes of it'
curl -sS "$API/claims/$C" | pick status current.value.text counts
curl -sS "$API/discrepancies?claim=$C" | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => { for (const d of JSON.parse(s).items) console.log(JSON.stringify({ relation: d.relation, earlier: d.earlier.value, later: d.later.value, concurrent: d.concurrent })); });'

echo '# 7. What was on the public record by 4 December 2025 (the said-at axis)'
curl -sS "$API/claims/$C?saidBy=2025-12-04" | pick status current.value.text

echo '# 8. Two values compared without storing anything'
curl -sS -H 'Content-Type: application/json' "$API/values/compare" -d '{"type": "quantity", "a": "USD 5 billion", "b": "$5.43 billion"}' | pick relation explanation

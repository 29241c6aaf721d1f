import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexPacks } from '../../src/engine/evaluate';
import { loadBashGrammar } from '../../src/engine/grammar';
import type { BashGrammar } from '../../src/engine/grammar';
import { endpointOf, graphqlMutations, hostMatches, httpRequest } from '../../src/engine/http';
import type { HttpRequest } from '../../src/engine/http';
import { analyse } from '../../src/engine/match';
import { newScope, parseCommandLine } from '../../src/engine/parse';
import { parsePack } from '../../src/engine/packs';
import { basename } from '../../src/engine/unwrap';
import { grammarBytes, RULES_DIR } from './helpers';

const CWD = '/work/project';
// The packs that declare the HTTP clients' and platform CLIs' options.
const programs = indexPacks(['http', 'paas', 'services'].map((id) => parsePack(readFileSync(join(RULES_DIR, `${id}.jsonc`), 'utf8'), `rules/${id}.jsonc`))).programs;
let grammar: BashGrammar;
before(async () => {
  grammar = await loadBashGrammar(grammarBytes());
});

/** The request the last command of `line` makes, reading `files` through the reader. */
function request(line: string, files: Record<string, string> = {}): HttpRequest | undefined {
  const parsed = parseCommandLine(line, { grammar, scope: newScope(), depth: 0, via: [], mapSpan: (s) => s });
  const cmd = parsed.commands.at(-1)!;
  const program = basename(cmd.argv[0].value).toLowerCase();
  return httpRequest(analyse(cmd, programs.get(program)), { readFile: (p) => files[p] }, CWD);
}

interface Case {
  line: string;
  files?: Record<string, string>;
  want: Partial<HttpRequest> | undefined;
  /** Substring the body must contain. */
  body?: string;
}

const cases: Case[] = [
  // Methods: -X (alone, clustered, attached, long, `=`), implied by data, -G, -I, -T.
  { line: 'curl https://api.example.com/x', want: { method: 'GET', hosts: ['api.example.com:443'], authorization: false } },
  { line: 'curl -X DELETE https://api.example.com/x', want: { method: 'DELETE' } },
  { line: 'curl -sSX DELETE https://api.example.com/x', want: { method: 'DELETE', hosts: ['api.example.com:443'] } },
  { line: 'curl -XDELETE api.example.com/x', want: { method: 'DELETE', hosts: ['api.example.com:80'] } },
  { line: 'curl --request=delete https://api.example.com/x', want: { method: 'DELETE' } },
  { line: 'curl https://api.example.com/x -X PATCH -d a=1', want: { method: 'PATCH', body: 'a=1' } },
  { line: 'curl -d a=1 https://api.example.com/x', want: { method: 'POST' } },
  { line: "curl --json '{\"a\":1}' https://api.example.com/x", want: { method: 'POST' }, body: '"a":1' },
  { line: 'curl -G -d q=1 https://api.example.com/search', want: { method: 'GET' } },
  { line: 'curl -sI https://api.example.com/x', want: { method: 'HEAD' } },
  { line: 'curl -T file.bin https://files.example.com/up', want: { method: 'PUT', uploadsFile: true } },
  { line: 'curl -o out.json -w "%{http_code}" https://api.example.com/x', want: { method: 'GET', hosts: ['api.example.com:443'] } },
  { line: 'curl --url https://api.example.com/x -X DELETE', want: { method: 'DELETE', hosts: ['api.example.com:443'] } },
  { line: 'curl -x http://proxy:3128 https://api.example.com/x', want: { hosts: ['api.example.com:443'] } },
  // Hosts: ports, IPv6, no scheme.
  { line: "curl -X DELETE 'http://localhost:9200/logs'", want: { hosts: ['localhost:9200'] } },
  { line: 'curl 127.0.0.1:8001/status', want: { hosts: ['127.0.0.1:8001'] } },
  { line: "curl 'http://[::1]:7700/indexes'", want: { hosts: ['[::1]:7700'] } },
  // Credentials: headers (any *token*/*api-key* name), -u, cookies, tokens in the URL, header files.
  { line: "curl -H 'Authorization: Bearer x' https://api.example.com", want: { authorization: true } },
  { line: "curl -H 'PRIVATE-TOKEN: x' https://gitlab.example.com/api/v4/projects", want: { authorization: true } },
  { line: "curl -H 'DD-API-KEY: x' https://api.datadoghq.com/api/v1/monitor", want: { authorization: true } },
  { line: "curl -H 'Content-Type: application/json' https://api.example.com", want: { authorization: false } },
  { line: "curl -H 'X-Author: bob' https://api.example.com", want: { authorization: false } },
  { line: "curl -H 'X-Auth-Key: k' https://api.example.com", want: { authorization: true } },
  { line: 'curl -u sk_live_1: https://api.stripe.com/v1/charges', want: { authorization: true } },
  { line: "curl 'https://api.example.com/x?access_token=abc'", want: { authorization: true } },
  { line: 'curl -n https://api.example.com/x', want: { authorization: true } },
  { line: 'curl -H @h.txt https://api.example.com/x', files: { [`${CWD}/h.txt`]: 'Accept: */*\nAuthorization: Bearer x\n' }, want: { authorization: true } },
  // Bodies from files under the working directory, standard input, forms.
  {
    line: 'curl -d @body.json https://backboard.railway.app/graphql/v2',
    files: { [`${CWD}/body.json`]: '{"query":"mutation { volumeDelete(volumeId: \\"a\\") }"}' },
    want: { method: 'POST', uploadsFile: true, mutations: ['volumeDelete'] },
  },
  {
    line: 'curl -d @../outside.json https://api.example.com/graphql',
    files: { '/work/outside.json': 'mutation { volumeDelete(volumeId: "a") }' },
    want: { mutations: [] },
  },
  { line: "echo 'mutation { appDelete(id: 1) }' | curl --data-binary @- https://api.example.com/graphql", want: { uploadsFile: false, mutations: ['appDelete'] } },
  {
    line: 'cat q.graphql | curl -d @- https://api.example.com/graphql',
    files: { [`${CWD}/q.graphql`]: 'mutation { projectDelete(id: 1) { id } }' },
    want: { mutations: ['projectDelete'] },
  },
  { line: "curl -d @- https://api.example.com/graphql <<'EOF'\nmutation { a: envDelete(id: 1) b: envCreate(x: 2) }\nEOF", want: { mutations: ['envDelete', 'envCreate'] } },
  {
    line: 'curl -d "$(cat body.json)" https://api.example.com/graphql',
    files: { [`${CWD}/body.json`]: '{"query":"mutation { volumeDelete(volumeId: \\"a\\") }"}' },
    want: { method: 'POST', mutations: ['volumeDelete'] },
  },
  { line: "BODY='{\"query\":\"mutation { volumeDelete(volumeId: 1) }\"}'; curl -d \"$BODY\" https://api.example.com/graphql", want: { mutations: ['volumeDelete'] } },
  { line: "jq -n '{query: \"mutation { volumeDelete(volumeId: 1) }\"}' | curl -d @- https://api.example.com/graphql", want: { mutations: ['volumeDelete'] } },
  { line: 'curl -F file=@report.pdf https://files.example.com/up', want: { method: 'POST', uploadsFile: true } },
  { line: "curl --data-urlencode 'query=mutation { a }' https://api.example.com/graphql", want: { mutations: ['a'] } },
  { line: "curl --data-raw '@not-a-file' https://api.example.com/x", want: { uploadsFile: false, body: '@not-a-file' } },
  // wget.
  { line: 'wget --method=DELETE https://api.example.com/x', want: { method: 'DELETE' } },
  { line: "wget -qO- --post-data 'a=1' --header 'X-Auth-Token: t' https://api.example.com/x", want: { method: 'POST', authorization: true } },
  { line: 'wget -O out.html https://example.com/', want: { method: 'GET', hosts: ['example.com:443'] } },
  // HTTPie and xh: method word, :port shorthand, request items, stdin.
  { line: 'http DELETE :9200/my-index', want: { method: 'DELETE', hosts: ['localhost:9200'] } },
  { line: 'http :3000/items', want: { method: 'GET', hosts: ['localhost:3000'] } },
  { line: 'https api.example.com/items name=x', want: { method: 'POST', hosts: ['api.example.com:443'] } },
  { line: "xh post api.example.com/graphql query='mutation { userDelete(id: 1) }'", want: { method: 'POST', mutations: ['userDelete'] } },
  { line: "http POST api.example.com/x Authorization:'Bearer t'", want: { authorization: true } },
  { line: 'http -a user:pw api.example.com/x', want: { authorization: true, method: 'GET' } },
  { line: "echo 'mutation { siteDelete(id: 1) }' | http POST api.example.com/graphql", want: { mutations: ['siteDelete'] } },
  { line: 'http --offline DELETE api.example.com/x', want: undefined },
  // PowerShell: prefixes, colon values, positional URI, header tables.
  { line: 'Invoke-RestMethod -Method Delete -Uri https://api.example.com/x', want: { method: 'DELETE', hosts: ['api.example.com:443'] } },
  { line: 'irm https://api.example.com/x -Method:PATCH -Body "{}"', want: { method: 'PATCH' } },
  { line: 'iwr -Uri https://api.example.com/x -Meth delete -UseBasicParsing', want: { method: 'DELETE' } },
  { line: 'Invoke-WebRequest https://example.com', want: { method: 'GET', authorization: false } },
  { line: 'Invoke-RestMethod -Uri https://api.example.com/x -Headers @{Authorization="Bearer $t"}', want: { authorization: true } },
  // Platform API commands.
  { line: 'gh api -X DELETE /repos/o/r', want: { method: 'DELETE', hosts: ['api.github.com:443'], authorization: true } },
  { line: 'gh api repos/o/r/issues -f title=x', want: { method: 'POST' } },
  { line: 'gh api user', want: { method: 'GET' } },
  { line: "gh api graphql -f query='mutation { deleteRepository(input: {}) { clientMutationId } }'", want: { method: 'POST', mutations: ['deleteRepository'] } },
  { line: 'gh api --hostname ghe.corp.example repos/o/r -X DELETE', want: { hosts: ['ghe.corp.example:443'] } },
  { line: 'gh repo view o/r', want: undefined },
  { line: 'glab api --method DELETE projects/1', want: { method: 'DELETE', hosts: ['gitlab.com:443'] } },
  { line: "railway api 'mutation { volumeDelete(volumeId: \"v\") }'", want: { method: 'POST', hosts: ['backboard.railway.com:443'], mutations: ['volumeDelete'] } },
  { line: 'railway api search volume', want: undefined },
  { line: 'railway up', want: undefined },
];

for (const c of cases) {
  test(`request: ${c.line.split('\n')[0]}`, () => {
    const req = request(c.line, c.files);
    if (c.want === undefined) {
      assert.equal(req, undefined);
      return;
    }
    assert.ok(req, 'expected a request');
    for (const [key, value] of Object.entries(c.want)) {
      assert.deepEqual(req[key as keyof HttpRequest], value, `${key} of ${JSON.stringify(req)}`);
    }
    if (c.body) assert.ok(req.body.includes(c.body), req.body);
  });
}

const hostCases: { endpoint: string; pattern: string; match: boolean }[] = [
  { endpoint: 'localhost:9200', pattern: 'local', match: true },
  { endpoint: '127.0.0.2:80', pattern: 'local', match: true },
  { endpoint: '[::1]:80', pattern: 'local', match: true },
  { endpoint: 'api.example.com:443', pattern: 'local', match: false },
  { endpoint: 'localhost:9200', pattern: 'local:9200', match: true },
  { endpoint: 'localhost:3000', pattern: 'local:{9200,7700}', match: false },
  { endpoint: 'localhost:7700', pattern: 'local:{9200,7700}', match: true },
  { endpoint: 'api.example.com:443', pattern: '*.example.com', match: true },
  { endpoint: 'API.Example.com:443', pattern: 'api.example.com', match: true },
  { endpoint: 'es.internal:9200', pattern: '*.internal:9200', match: true },
  { endpoint: 'es.internal:9300', pattern: '*.internal:9200', match: false },
  { endpoint: 'example.com', pattern: 'example.com', match: true },
];
for (const c of hostCases) {
  test(`host ${c.endpoint} ${c.match ? 'matches' : 'does not match'} ${c.pattern}`, () => {
    assert.equal(hostMatches(c.endpoint, c.pattern), c.match);
  });
}

const endpointCases: { url: string; shorthand?: boolean; want: string | undefined }[] = [
  { url: 'https://api.example.com/x', want: 'api.example.com:443' },
  { url: 'http://user:pw@h.example:8080/x', want: 'h.example:8080' },
  { url: 'example.com/x', want: 'example.com:80' },
  { url: ':9200/_cat', shorthand: true, want: 'localhost:9200' },
  { url: ':9200/_cat', want: undefined },
  { url: '@body.json', want: undefined },
  { url: 'file:///etc/passwd', want: undefined },
];
for (const c of endpointCases) {
  test(`endpoint of ${c.url}`, () => {
    assert.equal(endpointOf(c.url, 'http', c.shorthand), c.want);
  });
}

const mutationCases: { body: string; want: string[] }[] = [
  { body: '{"query":"mutation { volumeDelete(volumeId: \\"abc\\") }"}', want: ['volumeDelete'] },
  { body: 'mutation Named($id: ID!) { x: projectRemove(id: $id) { id name } other { a } }', want: ['projectRemove', 'other'] },
  { body: '{"query":"query { volumes { edges { node { id } } } }"}', want: [] },
  { body: '{"query":"mutation {\\n  serviceDelete(id: \\"s\\")\\n}"}', want: ['serviceDelete'] },
];
for (const c of mutationCases) {
  test(`mutations in ${c.body}`, () => {
    assert.deepEqual(graphqlMutations(c.body), c.want);
  });
}

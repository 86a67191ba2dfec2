// Verifies captured webhook requests with the official client libraries:
// Plivo's SDK (validateV3Signature) and the Standard Webhooks reference library.
// Input: a JSON file of cases; output: one JSON line {"plivo": [..], "standard": [..]}.
const fs = require('fs');
const plivo = require('plivo');
const { Webhook } = require('standardwebhooks');

const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const result = { plivo: [], standard: [] };
for (const c of cases) {
  result.plivo.push(plivo.validateV3Signature(c.method, c.url, c.nonce, c.authToken, c.signature, c.params));
  if (c.webhookSecret) {
    try {
      new Webhook(c.webhookSecret).verify(c.body, c.standardHeaders);
      result.standard.push(true);
    } catch (e) {
      // verify() checks the signature first, then JSON.parses the payload: a SyntaxError means the
      // signature was accepted and the (form-encoded) body simply is not JSON.
      result.standard.push(e instanceof SyntaxError ? true : String(e.message || e));
    }
  }
}
console.log(JSON.stringify(result));

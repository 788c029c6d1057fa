// The proof-of-work of a public form (`data-pow-bits`): before the form leaves, find a nonce such
// that SHA-256("challenge:bound:nonce") starts with that many zero bits (Web Crypto, no third
// party), and put "challenge.nonce" in its `pow` field. The challenge is on the form
// (`data-pow-challenge`) or asked for (`data-pow-url`, the vote's: it is this voter's); `bound` is
// the value of the field named by `data-pow-bind` (the address typed), trimmed and lower-cased.
// A submit is held back (before htmx sees it) until the proof is found, then sent again.
const encoder = new TextEncoder();

function zeroBits(bytes) {
  let bits = 0;
  for (const byte of bytes) {
    if (byte !== 0) return bits + Math.clz32(byte) - 24;
    bits += 8;
  }
  return bits;
}

async function solve(challenge, bound, bits) {
  for (let nonce = 0; ; nonce++) {
    const digest = await crypto.subtle.digest(
      "SHA-256",
      encoder.encode(`${challenge}:${bound}:${nonce}`),
    );
    if (zeroBits(new Uint8Array(digest)) >= bits) return `${challenge}.${nonce}`;
  }
}

async function challengeOf(form) {
  if (form.dataset.powChallenge) return form.dataset.powChallenge;
  const response = await fetch(form.dataset.powUrl, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`challenge: ${response.status}`);
  return (await response.json()).challenge;
}

const boundOf = (form) => {
  const field = form.dataset.powBind && form.elements.namedItem(form.dataset.powBind);
  return field ? field.value.trim().toLowerCase() : "";
};

/** The proof of a form for what it is bound to now, found once (the vote's starts at load). */
const proofs = new WeakMap();
function proofFor(form) {
  const bound = boundOf(form);
  const known = proofs.get(form);
  if (known && known.bound === bound) return known.proof;
  const bits = Number(form.dataset.powBits);
  const proof = challengeOf(form).then((challenge) => solve(challenge, bound, bits));
  proofs.set(form, { bound, proof });
  return proof;
}

document.addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.powBits) return;
    const field = form.elements.namedItem("pow");
    if (form.dataset.powReady === boundOf(form) && field?.value) return; // solved: let it go
    event.preventDefault();
    event.stopImmediatePropagation();
    const submitter = event.submitter;
    proofFor(form).then(
      (proof) => {
        field.value = proof;
        form.dataset.powReady = boundOf(form);
        form.requestSubmit(submitter ?? undefined);
      },
      // Sent without a proof: the server answers with a clear message.
      () => {
        form.dataset.powReady = boundOf(form);
        field.value = "none";
        form.requestSubmit(submitter ?? undefined);
      },
    );
  },
  true,
);

// A vote is bound to nothing the visitor types: start the work while they read the question.
for (const form of document.querySelectorAll("form[data-pow-url]")) proofFor(form);

// The proof-of-work of a public form (`data-pow-bits`): before the form leaves, find a nonce such
// that SHA-256("challenge:bound:nonce") starts with that many zero bits (Web Crypto, no third
// party), and put "challenge.nonce" in its `pow` field. The challenge is on the form
// (`data-pow-challenge`) or asked for (`data-pow-url`, the vote's: it is this voter's); `bound` is
// the value of the field named by `data-pow-bind` (the address typed), trimmed and lower-cased.
// A form is sent once the proof is in.
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

/** Puts the proof in the form's field; without one, "none", and the server says what failed. */
const withProof = (form) =>
  proofFor(form)
    .catch(() => "none")
    .then((proof) => {
      form.elements.namedItem("pow").value = proof;
      form.dataset.powFor = boundOf(form);
    });

// A submit without the proof for what the form holds now is held back (before htmx sees it),
// then sent again once the proof is in.
document.addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.powBits) return;
    if (form.dataset.powFor === boundOf(form)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    // A plain form has passed the browser's checks already: it goes as it is (no second event).
    withProof(form).then(() =>
      form.hasAttribute("hx-post") ? form.requestSubmit() : form.submit(),
    );
  },
  true,
);

// A vote is bound to nothing the visitor types: do the work while they read the question.
for (const form of document.querySelectorAll("form[data-pow-url]")) withProof(form);

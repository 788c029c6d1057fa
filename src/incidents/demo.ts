// Demo seed: the night of January 2000, as a public incident with its timeline and postmortem.
import type { Deps } from "../deps";
import type { SeedStep } from "../seed";
import { createIncident, postUpdate, writePostmortem } from "./service";

export const DEMO_INCIDENT_SLUG = "envoi-massif-nets-d-or-2000";

/** The story happened at fixed times: services run with a clock set to each moment. */
export const at = (deps: Deps, iso: string): Deps => ({
  ...deps,
  clock: { now: () => new Date(iso) },
});

const TIMELINE = [
  {
    at: "2000-01-19T22:10:00.000Z",
    status: "investigating",
    body: "Mercredi soir, l'invitation aux Nets d'Or 2001 est partie vers les 3 800 participants de l'an dernier. Quelques minutes plus tard, des participants reçoivent des messages qui ne leur sont pas adressés. Nous cherchons pourquoi.",
    body_en:
      "On Wednesday evening the Nets d'Or 2001 invitation went out to last year's 3,800 participants. Minutes later, participants started receiving messages not meant for them. We are looking into it.",
  },
  {
    at: "2000-01-19T23:05:00.000Z",
    status: "identified",
    body: "Cause trouvée : une erreur de configuration du serveur de listes, faite ce soir, envoie toute réponse à la liste entière. Un premier participant a répondu ; sa réponse, puis toutes celles qui ont suivi (« retirez-moi de cette liste ! »), sont parties aux 3 800 adresses.",
    body_en:
      'Cause found: a list-server misconfiguration made this evening sends every reply to the whole list. A first participant replied; that reply, then every one after it ("take me off this list!"), went to all 3,800 addresses.',
  },
  {
    at: "2000-01-20T03:30:00.000Z",
    status: "identified",
    body: "Le serveur de messagerie sature : réponses en chaîne, messages d'erreur des adresses invalides qui reviennent par milliers. Les journaux et les messages en attente dépassent 6 Go.",
    body_en:
      "The mail server is saturated: chains of replies, and thousands of error messages bouncing back from invalid addresses. Logs and queued junk exceed 6 GB.",
  },
  {
    at: "2000-01-20T07:00:00.000Z",
    status: "monitoring",
    body: "8 h : le serveur est **débranché**. Plus aucun message ne part. Nous vidons la file et surveillons.",
    body_en:
      "8 a.m.: the server is **unplugged**. No more messages go out. We are draining the queue and watching.",
  },
  {
    at: "2000-01-20T16:00:00.000Z",
    status: "resolved",
    body: "Explication publiée. La liste est supprimée, le serveur nettoyé. Toutes nos excuses aux participants — et puisque le sort de notre administrateur est entre vos mains, [un sondage est ouvert](/polls/sort-de-l-administrateur).",
    body_en:
      "Explanation published. The list is deleted and the server cleaned up. Our apologies to every participant — and since our list admin's fate is in your hands, [a poll is open](/polls/sort-de-l-administrateur).",
  },
] as const;

const POSTMORTEM = `Ce qui a manqué cette nuit-là, et ce que Relance garantit désormais :

- **Une liste extraite, envoyée sans nouveau consentement.** Les contacts importés reçoivent une seule invitation à confirmer, jamais une campagne.
- **« Répondre » atteignait toute la liste.** Un destinataire par message, toujours ; aucune adresse de liste ; les réponses vont à une personne.
- **Les erreurs ont inondé le serveur.** Les rebonds alimentent une liste de suppression ; l'envoi se met en pause au-delà d'un seuil.
- **Le serveur a été débranché.** Un envoi au débit limité, et un bouton qui arrête tout avant le lot suivant.
- **6 Go de journaux.** Des tables d'événements bornées, avec une durée de conservation.`;

const POSTMORTEM_EN = `What failed that night, and what Relance now guarantees:

- **An extracted list was mailed without fresh consent.** Imported contacts get one invitation to confirm, never a campaign.
- **"Reply" reached the whole list.** One recipient per message, always; no list address; replies go to a person.
- **Error messages flooded the server.** Bounces feed a suppression list; sending pauses past a threshold.
- **The server was unplugged.** A rate-limited outbox, and one button that stops everything before the next batch.
- **6 GB of logs.** Bounded event tables, with retention.`;

export const incidentDemoStep: SeedStep = {
  name: "incident",
  async run(deps) {
    const created = await createIncident(at(deps, TIMELINE[0].at), {
      slug: DEMO_INCIDENT_SLUG,
      title: "Envoi massif non sollicité à la liste des participants des Nets d'Or",
      title_en: "Unsolicited mass mailing to the Nets d'Or participants list",
      status: "investigating",
      impact: "critical",
      body: "Dans la nuit de mercredi à jeudi, les 3 800 participants de l'édition 2000 des Nets d'Or ont reçu, en plus de notre invitation, les réponses des autres participants, puis des milliers de messages d'erreur.",
      body_en:
        "During Wednesday night, the 3,800 participants of the 2000 Nets d'Or received, on top of our invitation, the other participants' replies, then thousands of error messages.",
      services: ["Liste des participants / Participants list", "Messagerie / Mail"],
      components: [],
      // The story is replayed, not lived: nobody is told of it.
      notify: false,
    });
    if (!created.ok) return; // already there (seeded by hand): leave it as it is
    for (const step of TIMELINE) {
      await postUpdate(at(deps, step.at), created.incident.id, {
        status: step.status,
        body: step.body,
        body_en: step.body_en,
        components: [],
        notify: false,
      });
    }
    await writePostmortem(at(deps, "2000-01-21T10:00:00.000Z"), created.incident.id, {
      postmortem: POSTMORTEM,
      postmortem_en: POSTMORTEM_EN,
    });
  },
};

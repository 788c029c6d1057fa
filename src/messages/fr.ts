// The French catalogue of the page shells and the home page. A third language is one more file
// of this shape (`Messages`), added to CATALOGUES in src/messages/index.ts.
export const fr = {
  shell: {
    home: "Accueil",
    skip: "Aller au contenu",
    tagline: "Listes avec consentement, incidents et sondages publics",
  },
  home: {
    title: "État des services",
    intro: "L'état de nos services, les incidents en cours et passés, et la maintenance prévue.",
    status: "Vérification en direct",
    check: "Vérifier maintenant",
    dbOk: "Base de données joignable",
    checkedAt: "vérifié le",
  },
  lostLink: {
    title: "Lien perdu ?",
    intro:
      "Chaque message que nous vous envoyons contient un lien vers vos préférences : vos listes, votre langue, vos données. Si vous ne le retrouvez plus, indiquez votre adresse : nous vous l'enverrons à nouveau.",
    listLabel: "Liste :",
    email: "Votre adresse e-mail",
    submit: "M'envoyer mon lien",
    fixErrors: "Corrigez le champ signalé ci-dessous.",
    required: "Indiquez votre adresse e-mail.",
    invalid: "Cette adresse e-mail n'est pas valide (exemple : prenom@exemple.fr).",
    tooLong: "Cette adresse est trop longue.",
    sentTitle: "Demande reçue",
    sentBody:
      "Si cette adresse est sur la liste, un message avec votre lien est en route. Il peut mettre quelques minutes à arriver. Nous n'en envoyons qu'un par jour au plus.",
    sentBodyAny:
      "Si cette adresse est sur l'une de nos listes, un message avec votre lien est en route. Il peut mettre quelques minutes à arriver. Nous n'en envoyons qu'un par jour au plus.",
    sentSpam:
      "Rien reçu ? Regardez dans vos courriers indésirables avant de demander à nouveau demain.",
    formLink: "Lien vers vos préférences perdu ?",
    brokenLink: "Demander un nouveau lien vers vos préférences",
    mailSubject: "Votre lien vers vos préférences",
    mailHello: "Bonjour,",
    mailWhy:
      "Vous (ou quelqu'un qui connaît votre adresse) avez demandé le lien vers vos préférences. Le voici : il vous permet de voir vos listes, de les quitter ou d'y revenir, de choisir votre langue, de télécharger ou d'effacer vos données.",
    mailButton: "Gérer vos préférences et vos données",
    mailIgnore:
      "Si vous n'avez rien demandé, ignorez ce message : rien n'a changé et vous ne recevrez rien d'autre à ce sujet.",
    mailUnsubscribe: "Ne plus rien recevoir de cette liste",
  },
};

export type Messages = typeof fr;

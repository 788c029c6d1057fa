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
  campaigns: {
    title: "Campagnes",
    intro:
      "Une campagne n'atteint que les contacts qui ont confirmé leur consentement pour sa liste.",
    listNumber: (id: number) => `liste n° ${id}`,
    none: "Aucune campagne pour l'instant.",
    write: "Écrire une campagne",
    list: "Liste destinataire",
    subject: "Objet",
    text: "Texte du message",
    htmlFull: "HTML (facultatif ; sans lui, le texte est aussi envoyé en HTML)",
    html: "HTML (facultatif)",
    mergeTags:
      "Balises de fusion : {{name}} et {{attr.CLÉ}} (un attribut du contact), avec une valeur de repli facultative comme {{name|ami}}.",
    saveAndPreview: "Enregistrer et prévisualiser",
    mainLanguage: "Langue principale",
    mainLanguageHint:
      "Les contacts dont la langue n'a pas sa propre version reçoivent la version principale.",
    languageName: (lang: "fr" | "en") => ({ fr: "français", en: "anglais" })[lang],
    statusName: (status: string) =>
      (
        ({
          draft: "brouillon",
          scheduled: "programmée",
          sending: "en cours d'envoi",
          sent: "envoyée",
          cancelled: "annulée",
        }) as Record<string, string>
      )[status] ?? status,
    forList: (name: string) => `Pour la liste « ${name} ». Statut :`,
    toBeSentAt: ", à envoyer le",
    preview: "Aperçu",
    previewOf: (language: string) => `Version en ${language}`,
    previewAs: (name: string | null) =>
      `Tel que ${name ?? "un contact sans nom"} le verrait. Objet :`,
    previewFrame: (language: string) => `Aperçu de la campagne (${language})`,
    sendTest: (language: string, email: string) =>
      `Envoyer en test la version en ${language} à ${email}`,
    testSent: (email: string) =>
      `Un test part vers ${email}, par la file d'envoi comme chaque message.`,
    duplicate: "Dupliquer en nouveau brouillon",
    cancel: "Annuler cette campagne",
    edit: "Modifier ce brouillon",
    mainVersion: (language: string) => `Version principale (en ${language})`,
    otherVersion: (language: string) => `Version en ${language}`,
    versionHint: (language: string) =>
      `Pour les contacts qui parlent ${language}. Laissez l'objet et le texte vides pour ne pas en avoir.`,
    sendAt: "Envoyer le (UTC ; laissez vide pour garder un brouillon)",
    save: "Enregistrer",
    cancelledBeforeSent: "Cette campagne a été annulée avant son envoi.",
    sent: "Envoyée",
    sentOn: "Envoyée le",
    startedOn: "Partie le",
    sentTo: (n: string, status: string) => `à ${n} contacts (${status}).`,
    sendNumber: (id: number) => `Envoi n° ${id}`,
    send: "Envoyer",
    willReceive: "la recevront",
    whoGetsWhich: "Qui reçoit quelle version",
    getsVersion: (n: string, language: string) => `${n} recevront la version en ${language}`,
    mainFallback: "(la principale : aussi tous ceux dont la langue n'a pas de version)",
    nobody:
      "Personne ne peut recevoir cette campagne : aucun contact de cette liste n'a confirmé son consentement (ou tous ceux qui l'ont fait sont exclus). Envoyez d'abord une invitation à reconsentir.",
    typeToConfirm: (n: number) => `Tapez ${n} pour confirmer`,
    sendTo: (n: string) => `Envoyer à ${n} contacts`,
  },
  tables: {
    erased: "effacé",
    noName: "(sans nom)",
    editTitle: "Modifier le nom et les attributs",
    history: "Historique",
    pages: "Pages",
    of: "sur",
    previous: "Page précédente",
    next: "Page suivante",
    contacts: "Contacts",
    state: "État",
    allStates: "tous les états",
    search: "Chercher une adresse ou un nom",
    filter: "Filtrer",
    matchOne: "contact correspond",
    matchMany: "contacts correspondent",
    thisFilter: " à ce filtre",
    email: "Adresse",
    name: "Nom",
    language: "Langue",
    lastChange: "Dernier changement",
    attributes: "Attributs",
    exportThese: "Exporter ces contacts en CSV",
    suppressThese: "Supprimer ces contacts de l'envoi…",
    eraseThese: "Effacer ces contacts…",
    select: "Sélectionner",
    selectPage: "Tout sélectionner sur cette page",
    selected: "sélectionnés",
    selection: "Sélection",
    exportSelected: "Exporter la sélection",
    suppressSelected: "Mettre la sélection en liste d'exclusion…",
    eraseSelected: "Effacer la sélection…",
    noSelection: "Aucun contact sélectionné",
    noSelectionHelp:
      "Cochez au moins un contact dans le tableau (ou « tout sélectionner sur cette page »), puis choisissez l'action. Rien n'a été modifié.",
    back: "Retour à la liste",
    selectedTitle: (action: "erase" | "suppress", n: number) =>
      `${action === "erase" ? "Effacer" : "Mettre en liste d'exclusion"} ${n} ${n === 1 ? "contact sélectionné" : "contacts sélectionnés"} ?`,
    selectedWhat: (action: "erase" | "suppress", n: number) =>
      action === "erase"
        ? `${n} ${n === 1 ? "contact sélectionné sera effacé" : "contacts sélectionnés seront effacés"} de toutes les listes : adresse, nom et attributs supprimés, adresse mise en liste d'exclusion. C'est irréversible.`
        : `${n} ${n === 1 ? "contact sélectionné sera mis" : "contacts sélectionnés seront mis"} en liste d'exclusion : plus jamais invités ni écrits.`,
    selectedButton: (action: "erase" | "suppress", n: number) =>
      `${action === "erase" ? "Effacer" : "Exclure"} ${n} ${n === 1 ? "contact" : "contacts"}`,
  },
  maintenance: {
    edit: "Modifier cette maintenance",
    title: "Titre de la maintenance",
    body: "Ce qui va se passer",
    startsAt: "Début (ISO 8601, avec son décalage)",
    endsAt: "Fin (ISO 8601, avec son décalage)",
    components: "Services (slugs, séparés par des virgules)",
    notify: "Prévenir les abonnés concernés",
    save: "Enregistrer les modifications",
    cancel: "Annuler cette maintenance…",
    confirmCancel:
      "Oui, annuler cette maintenance : prévue, elle n'aura pas lieu ; en cours, elle se termine maintenant.",
    confirmNeeded: "Cochez la case pour confirmer l'annulation.",
    cancelButton: "Annuler la maintenance",
    closed: "Cette maintenance est terminée ou annulée : elle ne peut plus changer.",
  },
};

export type Messages = typeof fr;

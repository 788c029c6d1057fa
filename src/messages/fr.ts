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

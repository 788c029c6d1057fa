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
};

export type Messages = typeof fr;

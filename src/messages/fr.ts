// The French catalogue of the page shells and the home page. A third language is one more file
// of this shape (`Messages`), added to CATALOGUES in src/messages/index.ts.
export const fr = {
  shell: {
    home: "Accueil",
    skip: "Aller au contenu",
    tagline: "Listes avec consentement, incidents et sondages publics",
  },
  home: {
    intro:
      "Relance gère des listes de diffusion où chacun a donné son accord, et publie les incidents et les sondages de l'organisation.",
    status: "État du service",
    check: "Vérifier maintenant",
    dbOk: "Base de données joignable",
    checkedAt: "vérifié le",
  },
};

export type Messages = typeof fr;

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
  sending: {
    title: "Envois",
    running: "Les envois sont actifs.",
    pauseReason: "Motif (visible des autres administrateurs)",
    pauseReasonDefault: "Arrêté avec le bouton d'administration",
    stopAll: "Arrêter tous les envois",
    resumeTickBox: "Cochez la case pour confirmer que les envois peuvent reprendre.",
    recentOutcomes: "Résultats récents",
    outcomesLine: (outcomes: string, bounces: string, complaints: string) =>
      `Sur les ${outcomes} derniers résultats\u00a0: ${bounces} de rebonds définitifs, ${complaints} de plaintes.`,
    contactsCount: (total: string) => `${total} contacts\u00a0: `,
    excludedIntro: "\u00a0; exclus\u00a0: ",
    excludedReason: (reason: string) =>
      (
        ({
          legacy: "hérités sans consentement",
          pending: "en attente de confirmation",
          invited: "déjà invités",
          confirmed: "déjà confirmés",
          declined: "ayant refusé",
          expired: "expirés",
          unsubscribed: "désinscrits",
          bounced: "en rebond",
          complained: "ayant porté plainte",
          erased: "effacés",
          suppressed: "sur la liste d'exclusion",
          delivered: "déjà atteints par un autre envoi",
        }) as Record<string, string>
      )[reason] ?? reason,
    verbQueued: "mis en file d'attente",
    verbInvited: "seront invités",
    kindTitle: (kind: string) =>
      (
        ({
          reconsent: "Invitation à renouveler le consentement",
          campaign: "Campagne",
          subscribe: "Confirmation d'abonnement",
          reminder: "Rappel de renouvellement du consentement",
          test: "Test d'une campagne",
          incident: "Avis d'incident",
        }) as Record<string, string>
      )[kind] ?? "Envoi",
    kindName: (kind: string) =>
      (
        ({
          reconsent: "renouvellement du consentement",
          campaign: "campagne",
          subscribe: "confirmation d'abonnement",
          reminder: "rappel",
          test: "test",
          incident: "avis d'incident",
        }) as Record<string, string>
      )[kind] ?? kind,
    statusName: (status: string) =>
      (
        ({
          preparing: "en préparation",
          scheduled: "programmé",
          awaiting_approval: "en attente d'approbation",
          canary_hold: "envoi témoin en observation",
          queued: "en file d'attente",
          sending: "en cours",
          paused: "en pause",
          done: "terminé",
          cancelled: "annulé",
          rejected: "refusé",
        }) as Record<string, string>
      )[status] ?? status,
    canary: "Envoi témoin",
    canaryFigures: (size: string, sent: string, bounced: string, complained: string) =>
      `D'abord à ${size} destinataires tirés au hasard\u00a0: ${sent} envoyés, ${bounced} rebonds définitifs, ${complained} plaintes.`,
    holdingUntil: "En observation jusqu'au",
    holdLeft: (minutes: number) =>
      `(encore ${minutes}\u00a0min environ)\u00a0: le reste part alors si les rebonds et les plaintes de l'envoi témoin restent sous les seuils du disjoncteur.`,
    measuring: "mesure en cours…",
    paused: "en pause",
    perSecond: (rate: string) => `${rate} messages/s`,
    about: (duration: string) => `environ ${duration}`,
    rate: "Débit",
    timeLeft: "Temps restant",
    status: "Statut\u00a0: ",
    scheduledFor: "programmé pour le",
    stopped: (status: string): string =>
      status === "rejected" ? "Refusé" : status === "paused" ? "En pause" : "Arrêté",
    stoppedBy: (who: string) => ` par ${who}`,
    preparing: (queued: string, total: string) =>
      `Préparation\u00a0: ${queued} destinataires sur ${total} mis en file d'attente. Personne ne reçoit rien tant qu'ils ne le sont pas tous.`,
    progress: "Progression",
    reconciliation: (
      total: string,
      sent: string,
      failed: string,
      suppressed: string,
      queued: string,
    ) =>
      `Total ${total} = ${sent} envoyés + ${failed} en échec + ${suppressed} exclus + ${queued} en file d'attente`,
    stillToEnqueue: (n: string) => ` + ${n} encore à mettre en file`,
    unaccounted: (n: string) => ` (le compte n'y est pas\u00a0: ${n} manquent)`,
    total: "Total",
    queued: "En file d'attente",
    sent: "Envoyés",
    failed: "En échec",
    suppressed: "Exclus",
    sendTitle: (id: number) => `Envoi #${id}`,
    startedBy: (list: string, who: string) => `Pour la liste ${list}, lancé par ${who} le `,
    subject: (subject: string) => `. Objet\u00a0: ${subject}`,
    defaultSubject: "(par défaut)",
    declareIncident: "Déclarer un incident",
    cancelSend: "Annuler cet envoi",
    deliverabilityLink: "Délivrabilité\u00a0: délivrés, rebonds, plaintes",
    awaitingApproval: "En attente d'approbation",
    askedToSend: (recipients: string) =>
      ` demande à l'envoyer à ${recipients} destinataires\u00a0: un envoi de cette taille doit être approuvé par un second administrateur autorisé à envoyer.`,
    approve: "Approuver et envoyer",
    rejectWhy: "Motif du refus",
    reject: "Refuser",
    mayNotApprove:
      "Vous avez lancé cet envoi (ou votre rôle ne permet pas d'envoyer)\u00a0: un autre administrateur ayant le rôle d'expéditeur doit l'approuver.",
    failuresTitle: "Échecs et exclusions",
    noFailures: "Aucun destinataire en échec ni exclu.",
    contact: "Contact",
    outcome: "Résultat",
    reason: "Motif",
    when: "Date et heure",
    testAddress: "(adresse de test)",
    outcomeName: (status: string) =>
      (({ failed: "échec", suppressed: "exclu" }) as Record<string, string>)[status] ?? status,
    downloadCsv: (n: string) => `Télécharger les ${n} en CSV`,
    resendFailed: (n: string) => `Renvoyer uniquement aux ${n} en échec`,
    nothingSent: "Rien n'a encore été envoyé.",
    askConsent: "Demandez le consentement d'une liste",
    orSendA: " ou envoyez une ",
    campaignLink: "campagne",
    colSend: "Envoi",
    colKind: "Type d'envoi",
    colStatus: "Statut",
    colRecipients: "Destinataires",
    colStarted: "Lancé",
    by: (who: string) => ` par ${who}`,
    reconsentTitle: "Invitation à renouveler le consentement",
    reconsentHeading: (list: string) =>
      `Redemander son consentement à la liste «\u00a0${list}\u00a0»`,
    reconsentIntroBefore: "Chaque contact ",
    reconsentIntroAfter:
      " reçoit une seule invitation, avec un lien pour confirmer ou refuser. Ceux qui n'ont pas répondu à l'échéance sont effacés.",
    nobodyToInvite:
      "Personne ne peut être invité\u00a0: chaque contact a déjà été sollicité ou est exclu.",
    deadline: "Échéance (UTC)",
    subjectOptional: "Objet (facultatif)",
    reminderDays: "Un rappel, ce nombre de jours avant l'échéance (facultatif)",
    review: "Vérifier avant d'envoyer",
    typeToConfirm: (n: number) => `Saisissez ${n} pour confirmer`,
    confirmMismatch: (n: number) => `Saisissez le nombre de destinataires, ${n}, pour confirmer.`,
    willBeErased: (n: string, deadline: string) =>
      `${n} contacts seront effacés le ${deadline} s'ils ne répondent pas.`,
    reminderOn: (day: string) => `Ceux qui n'auront pas répondu recevront un rappel le ${day}.`,
    noReminder: "Aucun rappel ne sera envoyé.",
    sendInvitations: (n: string) => `Envoyer ${n} invitations`,
    changeDeadline: "Modifier l'échéance",
  },
  polls: {
    visibility: (visibility: string) =>
      (
        ({
          always: "toujours",
          after_vote: "après le vote (ou une fois clos)",
          after_close: "une fois clos",
        }) as Record<string, string>
      )[visibility] ?? visibility,
    question: "Question",
    questionEn: "Question en anglais (facultatif)",
    slug: "Identifiant d'adresse",
    slugHint: "L'adresse\u00a0: /polls/IDENTIFIANT.",
    options: "Réponses, une par ligne (de 2 à 10)",
    optionsEn: "Réponses en anglais, une par ligne, dans le même ordre (facultatif)",
    closesAt: "Clôture le (UTC, facultatif)",
    showResults: "Afficher les résultats",
    maxChoices: "Nombre de réponses qu'un votant peut choisir",
    incident: "Incident concerné",
    noIncident: "aucun",
    create: "Créer le sondage",
    title: "Sondages",
    state: "État",
    created: "Créé le",
    stateName: (closed: boolean): string => (closed ? "clos" : "ouvert"),
    noPoll: "Aucun sondage pour l'instant.",
    newPoll: "Nouveau sondage",
    noVote: "Aucun vote pour l'instant\u00a0: le graphique apparaît avec le premier.",
    chartTitle: (first: string, last: string) =>
      `Votes cumulés par réponse, du ${first} au ${last} (heures UTC)`,
    invitations: "Invitations",
    sentTo: (total: number) => `Envoyées à ${total} membres confirmés (`,
    sendLink: (id: number) => `envoi #${id}`,
    turnout: (voted: number, total: number, percent: string) =>
      `). Participation\u00a0: ${voted} sur ${total} ont voté${percent}.`,
    notInvited: "Personne n'a été invité. Rouvrez le sondage pour envoyer les invitations.",
    inviteExplained:
      "Seuls les invités votent, une fois chacun, avec leur propre lien. Les invitations partent une seule fois, aux membres dont le consentement le permet (confirmés).",
    sendInvitations: "Envoyer les invitations",
    nobodyToInvite: (excluded: number) =>
      `Personne à inviter\u00a0: aucun membre n'a un consentement qui le permet (${excluded} exclus). Rien n'a été envoyé.`,
    openState: (closed: boolean): string => (closed ? "Clos" : "Ouvert"),
    closes: (when: string) => ` · clôture le ${when}`,
    resultsShown: " · résultats affichés ",
    publicPage: "page publique",
    reopen: "Rouvrir le sondage",
    close: "Clore le sondage",
    results: "Résultats",
    answer: "Réponse",
    votes: "Votes",
    percent: "Pourcentage",
    total: "Total",
    voters: (max: number) => `Votants (jusqu'à ${max} réponses chacun)`,
    overTime: "Évolution",
    votesCsv: "Télécharger les votes par réponse et par heure (CSV)",
  },
};

export type Messages = typeof fr;

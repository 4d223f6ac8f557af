// The hosted pages' built-in copy in English, German, French and Spanish, and the choice of language:
// the session's context.locale first, then the browser's Accept-Language, then English.
import { LOCALES, type Locale } from "../flows/flows.schemas.ts";

export type Lang = Locale;

/** The language of the built-in copy and the BCP 47 tag Intl formats money and dates with. */
export interface HostedLocale {
  lang: Lang;
  tag: string;
}

export const DEFAULT_LOCALE: HostedLocale = { lang: "en", tag: "en-US" };

function canonical(tag: string): string | null {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

function fromTag(raw: string): HostedLocale | null {
  const tag = canonical(raw.trim());
  if (!tag) return null;
  const lang = tag.split("-")[0]!.toLowerCase();
  if (!(LOCALES as readonly string[]).includes(lang)) return null;
  // A bare language formats with its main region's conventions ("en" → en-US, "de" → de-DE).
  const region: Record<Lang, string> = { en: "en-US", de: "de-DE", fr: "fr-FR", es: "es-ES" };
  return { lang: lang as Lang, tag: tag.includes("-") ? tag : region[lang as Lang] };
}

/** The session's locale when it is one we speak, else the first Accept-Language we speak, else English. */
export function resolveLocale(contextLocale: string | null | undefined, acceptLanguage: string | null | undefined): HostedLocale {
  if (contextLocale) {
    const chosen = fromTag(contextLocale);
    if (chosen) return chosen;
  }
  if (acceptLanguage) {
    const ranked = acceptLanguage
      .split(",")
      .slice(0, 20)
      .map((part, i) => {
        const [tag, ...params] = part.trim().split(";");
        const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
        return { tag: tag!.trim(), q: q === undefined ? 1 : Number(q), i };
      })
      .filter((x) => x.tag && x.tag !== "*" && x.q > 0)
      .sort((a, b) => b.q - a.q || a.i - b.i);
    for (const { tag } of ranked) {
      const chosen = fromTag(tag);
      if (chosen) return chosen;
    }
  }
  return DEFAULT_LOCALE;
}

const months = (lang: Lang, n: number) =>
  ({
    en: n === 1 ? "1 month" : `${n} months`,
    de: n === 1 ? "1 Monat" : `${n} Monate`,
    fr: `${n} mois`,
    es: n === 1 ? "1 mes" : `${n} meses`,
  })[lang];

const monthsDative = (lang: Lang, n: number) => (lang === "de" ? (n === 1 ? "1 Monat" : `${n} Monaten`) : months(lang, n));

const days = (lang: Lang, n: number) =>
  ({
    en: n === 1 ? "1 day" : `${n} days`,
    de: n === 1 ? "1 Tag" : `${n} Tage`,
    fr: n === 1 ? "1 jour" : `${n} jours`,
    es: n === 1 ? "1 día" : `${n} días`,
  })[lang];

/** Every built-in sentence of the hosted pages. Values are passed in already formatted. */
export interface Messages {
  step(current: number, total: number): string;
  footer(brand: string): string;
  // survey
  surveyIntro: string;
  feedbackLabel: string;
  feedbackRequiredHint: string;
  continue: string;
  skip: string;
  errors: { reason_required: string; unknown_reason: string; feedback_required: string };
  // offers
  offerTitle: string;
  decline: string;
  discount(p: number, n: number): { headline: string; detail: string; accept: string };
  pause(n: number): { headline: string; detail: string; accept: string };
  downgrade(label: string): { headline: string; detail: string; accept: string };
  extension(d: number): { headline: string; detail: string; accept: string };
  contact: { headline: string; detail: string; accept: string };
  // what an offer means in money and time
  perMonthFor(from: string, to: string, n: number): string;
  perMonth(from: string, to: string): string;
  noChargeUntil(date: string): string;
  freeUntil(date: string, worth: string): string;
  // confirm
  confirmTitle: string;
  confirmIntro: string;
  youLose(plan: string | null, price: string): string;
  cancelButton: string;
  keepButton: string;
  changeAnswer: string;
  // done
  allSetTitle: string;
  stayingTitle: string;
  canceledTitle: string;
  offerApplied(offer: string, brand: string): string;
  nothingChanges: string;
  canceledDefault: string;
  contactTeam: string;
  returnTo(brand: string): string;
  redirectNotice(brand: string): string;
  stayHere: string;
  closePage: string;
  // titles and message pages
  titles: { offer: string; confirm: string; allSet: string; canceled: string; notFound: string; expired: string; invalid: string; unavailable: string; retry: string };
  linkNotFound: [string, string];
  pageNotFound: [string, string];
  linkExpired: [string, string];
  linkStale: [string, string];
  linkInvalid: [string, string];
  unavailable: [string, string];
  formExpired: [string, string];
  goBack: string;
}

const en: Messages = {
  step: (c, t) => `Step ${c} of ${t}`,
  footer: (b) => `Cancellation handled securely for ${b}`,
  surveyIntro: "Your answer helps the team improve. You can still cancel on the next step.",
  feedbackLabel: "Anything else you want to tell us?",
  feedbackRequiredHint: "(required for “Other”)",
  continue: "Continue",
  skip: "Skip the question and cancel",
  errors: {
    reason_required: "Choose a reason, or skip the question.",
    unknown_reason: "Choose one of the listed reasons.",
    feedback_required: "Tell us a little about your reason in the box below.",
  },
  offerTitle: "An offer for you",
  decline: "No thanks, continue to cancel",
  discount: (p, n) => ({
    headline: `${p}% off for ${months("en", n)}`,
    detail: `Keep everything you have today and pay ${p}% less for the next ${n === 1 ? "month" : months("en", n)}.`,
    accept: `Accept ${p}% off`,
  }),
  pause: (n) => ({
    headline: `Pause for ${months("en", n)}`,
    detail: "Take a break instead: no charges while paused, and your data stays right where you left it.",
    accept: `Pause for ${months("en", n)}`,
  }),
  downgrade: (label) => ({ headline: `Switch to ${label}`, detail: "Move to a smaller plan and keep your account and data.", accept: `Switch to ${label}` }),
  extension: (d) => ({ headline: `${days("en", d)} extra, on us`, detail: `Take ${days("en", d)} more, free, to decide.`, accept: `Take ${days("en", d)} free` }),
  contact: {
    headline: "Let us fix it",
    detail: "Tell the team what is missing or broken; they read every message and often have a workaround.",
    accept: "Keep my subscription and talk to the team",
  },
  perMonthFor: (from, to, n) => `${from} → ${to} a month for ${months("en", n)}`,
  perMonth: (from, to) => `${from} → ${to} a month`,
  noChargeUntil: (date) => `No charge until ${date}`,
  freeUntil: (date, worth) => `Free until ${date} (worth ${worth})`,
  confirmTitle: "Confirm your cancellation",
  confirmIntro: "When you confirm, your subscription will not renew. You keep access until the end of the current billing period.",
  youLose: (plan, price) => (plan ? `You will lose ${plan} (${price} a month).` : `You will lose your subscription (${price} a month).`),
  cancelButton: "Cancel my subscription",
  keepButton: "Keep my subscription",
  changeAnswer: "Change my answer",
  allSetTitle: "You're all set",
  stayingTitle: "Glad you are staying",
  canceledTitle: "Your subscription is canceled",
  offerApplied: (offer, brand) => `${offer}: ${brand} will apply it to your subscription.`,
  nothingChanges: "Nothing changes: your subscription stays as it is.",
  canceledDefault: "You keep access until the end of the billing period.",
  contactTeam: "Contact the team",
  returnTo: (b) => `Return to ${b}`,
  redirectNotice: (b) => `Taking you back to ${b} in 5 seconds.`,
  stayHere: "Stay on this page",
  closePage: "You can close this page.",
  titles: { offer: "An offer for you", confirm: "Confirm cancellation", allSet: "All set", canceled: "Canceled", notFound: "Link not found", expired: "Link expired", invalid: "Link not valid", unavailable: "Unavailable", retry: "Please try again" },
  linkNotFound: ["This link does not work", "Check that you copied the whole link, or start again from your account settings."],
  pageNotFound: ["This page does not exist", "Check the link, or start again from your account settings."],
  linkExpired: ["This link has expired", "For your security, cancellation links work for a limited time. Start again from your account settings."],
  linkStale: ["This link has expired", "Open the cancellation page again from your account settings to get a fresh link."],
  linkInvalid: ["This link is not valid", "It may have been changed or copied incompletely. Open the cancellation page again from your account settings."],
  unavailable: ["Cancellation is unavailable right now", "Please contact support to cancel your subscription."],
  formExpired: ["This form has expired", "Nothing was changed. Reload the page and try again."],
  goBack: "Go back",
};

const de: Messages = {
  step: (c, t) => `Schritt ${c} von ${t}`,
  footer: (b) => `Kündigung sicher abgewickelt für ${b}`,
  surveyIntro: "Ihre Antwort hilft dem Team, besser zu werden. Kündigen können Sie im nächsten Schritt trotzdem.",
  feedbackLabel: "Möchten Sie uns noch etwas mitteilen?",
  feedbackRequiredHint: "(Pflicht bei „Sonstiges“)",
  continue: "Weiter",
  skip: "Frage überspringen und kündigen",
  errors: {
    reason_required: "Wählen Sie einen Grund oder überspringen Sie die Frage.",
    unknown_reason: "Wählen Sie einen der aufgeführten Gründe.",
    feedback_required: "Beschreiben Sie Ihren Grund bitte kurz im Feld unten.",
  },
  offerTitle: "Ein Angebot für Sie",
  decline: "Nein danke, weiter zur Kündigung",
  discount: (p, n) => ({
    headline: `${p} % Rabatt für ${months("de", n)}`,
    detail: `Behalten Sie alles, was Sie heute haben, und zahlen Sie in den nächsten ${monthsDative("de", n)} ${p} % weniger.`,
    accept: `${p} % Rabatt annehmen`,
  }),
  pause: (n) => ({
    headline: `${months("de", n)} pausieren`,
    detail: "Legen Sie stattdessen eine Pause ein: Während der Pause zahlen Sie nichts, und Ihre Daten bleiben, wo sie sind.",
    accept: `${months("de", n)} pausieren`,
  }),
  downgrade: (label) => ({ headline: `Zu ${label} wechseln`, detail: "Wechseln Sie in einen kleineren Tarif und behalten Sie Ihr Konto und Ihre Daten.", accept: `Zu ${label} wechseln` }),
  extension: (d) => ({ headline: `${days("de", d)} extra, geschenkt`, detail: `Nehmen Sie sich ${days("de", d)} mehr Zeit, kostenlos.`, accept: `${days("de", d)} kostenlos nehmen` }),
  contact: {
    headline: "Lassen Sie es uns beheben",
    detail: "Sagen Sie dem Team, was fehlt oder nicht funktioniert; es liest jede Nachricht und hat oft eine Lösung.",
    accept: "Abo behalten und mit dem Team sprechen",
  },
  perMonthFor: (from, to, n) => `${from} → ${to} pro Monat für ${months("de", n)}`,
  perMonth: (from, to) => `${from} → ${to} pro Monat`,
  noChargeUntil: (date) => `Keine Kosten bis ${date}`,
  freeUntil: (date, worth) => `Kostenlos bis ${date} (im Wert von ${worth})`,
  confirmTitle: "Kündigung bestätigen",
  confirmIntro: "Wenn Sie bestätigen, verlängert sich Ihr Abo nicht. Sie behalten den Zugang bis zum Ende des aktuellen Abrechnungszeitraums.",
  youLose: (plan, price) => (plan ? `Sie verlieren ${plan} (${price} pro Monat).` : `Sie verlieren Ihr Abo (${price} pro Monat).`),
  cancelButton: "Mein Abo kündigen",
  keepButton: "Mein Abo behalten",
  changeAnswer: "Antwort ändern",
  allSetTitle: "Alles erledigt",
  stayingTitle: "Schön, dass Sie bleiben",
  canceledTitle: "Ihr Abo ist gekündigt",
  offerApplied: (offer, brand) => `${offer}: ${brand} wendet es auf Ihr Abo an.`,
  nothingChanges: "Es ändert sich nichts: Ihr Abo bleibt, wie es ist.",
  canceledDefault: "Sie behalten den Zugang bis zum Ende des Abrechnungszeitraums.",
  contactTeam: "Das Team kontaktieren",
  returnTo: (b) => `Zurück zu ${b}`,
  redirectNotice: (b) => `Sie werden in 5 Sekunden zu ${b} zurückgeleitet.`,
  stayHere: "Auf dieser Seite bleiben",
  closePage: "Sie können diese Seite schließen.",
  titles: { offer: "Ein Angebot für Sie", confirm: "Kündigung bestätigen", allSet: "Erledigt", canceled: "Gekündigt", notFound: "Link nicht gefunden", expired: "Link abgelaufen", invalid: "Link ungültig", unavailable: "Nicht verfügbar", retry: "Bitte erneut versuchen" },
  linkNotFound: ["Dieser Link funktioniert nicht", "Prüfen Sie, ob Sie den ganzen Link kopiert haben, oder beginnen Sie erneut in Ihren Kontoeinstellungen."],
  pageNotFound: ["Diese Seite gibt es nicht", "Prüfen Sie den Link oder beginnen Sie erneut in Ihren Kontoeinstellungen."],
  linkExpired: ["Dieser Link ist abgelaufen", "Zu Ihrer Sicherheit gelten Kündigungslinks nur begrenzt. Beginnen Sie erneut in Ihren Kontoeinstellungen."],
  linkStale: ["Dieser Link ist abgelaufen", "Öffnen Sie die Kündigungsseite erneut in Ihren Kontoeinstellungen, um einen neuen Link zu erhalten."],
  linkInvalid: ["Dieser Link ist ungültig", "Er wurde möglicherweise verändert oder unvollständig kopiert. Öffnen Sie die Kündigungsseite erneut in Ihren Kontoeinstellungen."],
  unavailable: ["Kündigen ist gerade nicht möglich", "Bitte wenden Sie sich an den Support, um Ihr Abo zu kündigen."],
  formExpired: ["Dieses Formular ist abgelaufen", "Es wurde nichts geändert. Laden Sie die Seite neu und versuchen Sie es erneut."],
  goBack: "Zurück",
};

const fr: Messages = {
  step: (c, t) => `Étape ${c} sur ${t}`,
  footer: (b) => `Résiliation gérée en toute sécurité pour ${b}`,
  surveyIntro: "Votre réponse aide l’équipe à s’améliorer. Vous pourrez toujours résilier à l’étape suivante.",
  feedbackLabel: "Autre chose à nous dire ?",
  feedbackRequiredHint: "(obligatoire pour « Autre »)",
  continue: "Continuer",
  skip: "Passer la question et résilier",
  errors: {
    reason_required: "Choisissez une raison, ou passez la question.",
    unknown_reason: "Choisissez l’une des raisons proposées.",
    feedback_required: "Dites-nous en quelques mots votre raison dans le champ ci-dessous.",
  },
  offerTitle: "Une offre pour vous",
  decline: "Non merci, continuer la résiliation",
  discount: (p, n) => ({
    headline: `${p} % de réduction pendant ${months("fr", n)}`,
    detail: `Gardez tout ce que vous avez aujourd’hui et payez ${p} % de moins pendant ${n === 1 ? "le prochain mois" : `les ${months("fr", n)} à venir`}.`,
    accept: `Accepter ${p} % de réduction`,
  }),
  pause: (n) => ({
    headline: `Suspendre pendant ${months("fr", n)}`,
    detail: "Faites plutôt une pause : aucun prélèvement pendant la suspension, et vos données restent là où vous les avez laissées.",
    accept: `Suspendre ${months("fr", n)}`,
  }),
  downgrade: (label) => ({ headline: `Passer à ${label}`, detail: "Passez à une offre plus petite et gardez votre compte et vos données.", accept: `Passer à ${label}` }),
  extension: (d) => ({ headline: `${days("fr", d)} de plus, offerts`, detail: `Prenez ${days("fr", d)} de plus, gratuitement, pour décider.`, accept: `Prendre ${days("fr", d)} offerts` }),
  contact: {
    headline: "Laissez-nous régler ça",
    detail: "Dites à l’équipe ce qui manque ou ne fonctionne pas ; elle lit chaque message et a souvent une solution.",
    accept: "Garder mon abonnement et parler à l’équipe",
  },
  perMonthFor: (from, to, n) => `${from} → ${to} par mois pendant ${months("fr", n)}`,
  perMonth: (from, to) => `${from} → ${to} par mois`,
  noChargeUntil: (date) => `Aucun prélèvement jusqu’au ${date}`,
  freeUntil: (date, worth) => `Gratuit jusqu’au ${date} (valeur ${worth})`,
  confirmTitle: "Confirmez votre résiliation",
  confirmIntro: "Si vous confirmez, votre abonnement ne sera pas renouvelé. Vous gardez l’accès jusqu’à la fin de la période de facturation en cours.",
  youLose: (plan, price) => (plan ? `Vous perdrez ${plan} (${price} par mois).` : `Vous perdrez votre abonnement (${price} par mois).`),
  cancelButton: "Résilier mon abonnement",
  keepButton: "Garder mon abonnement",
  changeAnswer: "Modifier ma réponse",
  allSetTitle: "C’est fait",
  stayingTitle: "Ravis que vous restiez",
  canceledTitle: "Votre abonnement est résilié",
  offerApplied: (offer, brand) => `${offer} : ${brand} l’appliquera à votre abonnement.`,
  nothingChanges: "Rien ne change : votre abonnement reste tel quel.",
  canceledDefault: "Vous gardez l’accès jusqu’à la fin de la période de facturation.",
  contactTeam: "Contacter l’équipe",
  returnTo: (b) => `Retour à ${b}`,
  redirectNotice: (b) => `Retour à ${b} dans 5 secondes.`,
  stayHere: "Rester sur cette page",
  closePage: "Vous pouvez fermer cette page.",
  titles: { offer: "Une offre pour vous", confirm: "Confirmer la résiliation", allSet: "C’est fait", canceled: "Résilié", notFound: "Lien introuvable", expired: "Lien expiré", invalid: "Lien non valide", unavailable: "Indisponible", retry: "Veuillez réessayer" },
  linkNotFound: ["Ce lien ne fonctionne pas", "Vérifiez que vous avez copié le lien en entier, ou recommencez depuis les paramètres de votre compte."],
  pageNotFound: ["Cette page n’existe pas", "Vérifiez le lien, ou recommencez depuis les paramètres de votre compte."],
  linkExpired: ["Ce lien a expiré", "Pour votre sécurité, les liens de résiliation ont une durée limitée. Recommencez depuis les paramètres de votre compte."],
  linkStale: ["Ce lien a expiré", "Ouvrez à nouveau la page de résiliation depuis les paramètres de votre compte pour obtenir un nouveau lien."],
  linkInvalid: ["Ce lien n’est pas valide", "Il a peut-être été modifié ou copié en partie. Ouvrez à nouveau la page de résiliation depuis les paramètres de votre compte."],
  unavailable: ["La résiliation est indisponible pour le moment", "Contactez le support pour résilier votre abonnement."],
  formExpired: ["Ce formulaire a expiré", "Rien n’a été modifié. Rechargez la page et réessayez."],
  goBack: "Retour",
};

const es: Messages = {
  step: (c, t) => `Paso ${c} de ${t}`,
  footer: (b) => `Cancelación gestionada de forma segura para ${b}`,
  surveyIntro: "Tu respuesta ayuda al equipo a mejorar. Podrás cancelar igualmente en el siguiente paso.",
  feedbackLabel: "¿Algo más que quieras contarnos?",
  feedbackRequiredHint: "(obligatorio para «Otro»)",
  continue: "Continuar",
  skip: "Omitir la pregunta y cancelar",
  errors: {
    reason_required: "Elige un motivo u omite la pregunta.",
    unknown_reason: "Elige uno de los motivos de la lista.",
    feedback_required: "Cuéntanos brevemente tu motivo en el cuadro de abajo.",
  },
  offerTitle: "Una oferta para ti",
  decline: "No, gracias, continuar con la cancelación",
  discount: (p, n) => ({
    headline: `${p} % de descuento durante ${months("es", n)}`,
    detail: `Conserva todo lo que tienes hoy y paga un ${p} % menos durante ${n === 1 ? "el próximo mes" : `los próximos ${months("es", n)}`}.`,
    accept: `Aceptar el ${p} % de descuento`,
  }),
  pause: (n) => ({
    headline: `Pausar durante ${months("es", n)}`,
    detail: "Tómate un descanso: no hay cargos mientras está en pausa y tus datos se quedan donde los dejaste.",
    accept: `Pausar ${months("es", n)}`,
  }),
  downgrade: (label) => ({ headline: `Cambiar a ${label}`, detail: "Pasa a un plan más pequeño y conserva tu cuenta y tus datos.", accept: `Cambiar a ${label}` }),
  extension: (d) => ({ headline: `${days("es", d)} más, de regalo`, detail: `Tómate ${days("es", d)} más, gratis, para decidir.`, accept: `Tomar ${days("es", d)} gratis` }),
  contact: {
    headline: "Déjanos arreglarlo",
    detail: "Cuéntale al equipo qué falta o qué falla; leen todos los mensajes y a menudo tienen una solución.",
    accept: "Mantener mi suscripción y hablar con el equipo",
  },
  perMonthFor: (from, to, n) => `${from} → ${to} al mes durante ${months("es", n)}`,
  perMonth: (from, to) => `${from} → ${to} al mes`,
  noChargeUntil: (date) => `Sin cargos hasta el ${date}`,
  freeUntil: (date, worth) => `Gratis hasta el ${date} (valor de ${worth})`,
  confirmTitle: "Confirma tu cancelación",
  confirmIntro: "Si confirmas, tu suscripción no se renovará. Mantienes el acceso hasta el final del periodo de facturación actual.",
  youLose: (plan, price) => (plan ? `Perderás ${plan} (${price} al mes).` : `Perderás tu suscripción (${price} al mes).`),
  cancelButton: "Cancelar mi suscripción",
  keepButton: "Mantener mi suscripción",
  changeAnswer: "Cambiar mi respuesta",
  allSetTitle: "Todo listo",
  stayingTitle: "Nos alegra que te quedes",
  canceledTitle: "Tu suscripción está cancelada",
  offerApplied: (offer, brand) => `${offer}: ${brand} lo aplicará a tu suscripción.`,
  nothingChanges: "No cambia nada: tu suscripción sigue igual.",
  canceledDefault: "Mantienes el acceso hasta el final del periodo de facturación.",
  contactTeam: "Contactar con el equipo",
  returnTo: (b) => `Volver a ${b}`,
  redirectNotice: (b) => `Volverás a ${b} en 5 segundos.`,
  stayHere: "Quedarme en esta página",
  closePage: "Puedes cerrar esta página.",
  titles: { offer: "Una oferta para ti", confirm: "Confirmar cancelación", allSet: "Todo listo", canceled: "Cancelada", notFound: "Enlace no encontrado", expired: "Enlace caducado", invalid: "Enlace no válido", unavailable: "No disponible", retry: "Inténtalo de nuevo" },
  linkNotFound: ["Este enlace no funciona", "Comprueba que copiaste el enlace completo o vuelve a empezar desde la configuración de tu cuenta."],
  pageNotFound: ["Esta página no existe", "Comprueba el enlace o vuelve a empezar desde la configuración de tu cuenta."],
  linkExpired: ["Este enlace ha caducado", "Por tu seguridad, los enlaces de cancelación duran poco tiempo. Vuelve a empezar desde la configuración de tu cuenta."],
  linkStale: ["Este enlace ha caducado", "Abre de nuevo la página de cancelación desde la configuración de tu cuenta para obtener un enlace nuevo."],
  linkInvalid: ["Este enlace no es válido", "Puede que se haya modificado o copiado de forma incompleta. Abre de nuevo la página de cancelación desde la configuración de tu cuenta."],
  unavailable: ["La cancelación no está disponible ahora", "Contacta con soporte para cancelar tu suscripción."],
  formExpired: ["Este formulario ha caducado", "No se ha cambiado nada. Recarga la página e inténtalo de nuevo."],
  goBack: "Volver",
};

const CATALOG: Record<Lang, Messages> = { en, de, fr, es };

export function messagesFor(lang: Lang): Messages {
  return CATALOG[lang];
}

// Flows for tests: one with every offer kind and every optional field.
/** A flow with every offer kind and every optional field, as an engineer would keep it in git. */
export function everyKindSteps() {
  return [
    {
      type: "survey",
      label: "Why are you leaving?",
      config: {
        options: ["Too expensive", "Not using it", "Need fewer seats", "Need more time", "Missing a feature", "Other"],
        intro: "One click helps us a lot.",
        otherRequiresText: false,
      },
      locales: { de: { label: "Warum kündigen Sie?", options: ["Zu teuer", "Nutze es nicht", "Weniger Plätze", "Mehr Zeit", "Funktion fehlt", "Sonstiges"] } },
    },
    {
      type: "offer",
      label: "30% off",
      body: "Stay and save.",
      buttonText: "Take 30% off",
      config: { kind: "discount", percentOff: 30, durationMonths: 3 },
      reasons: ["too expensive"],
      locales: { de: { label: "30 % Rabatt", buttonText: "Rabatt nehmen" } },
    },
    { type: "offer", label: "Pause", config: { kind: "pause", months: 2 }, reasons: ["not using it"] },
    { type: "offer", label: "Go smaller", config: { kind: "downgrade", toPlan: "starter", label: "Starter", price: 49.5 }, reasons: ["need fewer seats"] },
    { type: "offer", label: "More time", config: { kind: "extension", days: 14 }, reasons: ["need more time"] },
    { type: "offer", label: "Talk to us", config: { kind: "contact", url: "https://example.com/support" }, reasons: ["missing a feature"] },
    { type: "confirmation", label: "Canceled", config: { message: "Sorry to see you go.", returnAtOnce: false } },
  ];
}

"""Short news questions in each language newsbot answers in, written for issue 30: the language
identification is measured on them (docs/benchmarks/issue-30-language-id.md) and tested against them
(tests/answering/test_language.py). `EDGE` holds what must be told as unknown (None)."""
from __future__ import annotations

QUESTIONS: dict[str, tuple[str, ...]] = {
    "en": ("What did Putin agree to?", "Who won the election in Brazil?", "Why did the bridge close?",
           "How many people died in the flood?", "When will the new law take effect?",
           "What happened at the summit last week?", "Is the president going to resign?",
           "Which company bought the airline?", "Where did the earthquake hit?", "What are the strikers asking for?",
           "Did the central bank raise rates?", "Who is the new prime minister?"),
    "de": ("Was hat Putin zugesagt?", "Wer hat die Wahl in Brasilien gewonnen?", "Warum wurde die Brücke gesperrt?",
           "Wie viele Menschen starben bei der Flut?", "Wann tritt das neue Gesetz in Kraft?",
           "Was ist letzte Woche beim Gipfel passiert?", "Tritt der Präsident zurück?",
           "Welche Firma hat die Fluggesellschaft gekauft?", "Wo hat das Erdbeben getroffen?",
           "Was fordern die Streikenden?", "Hat die Zentralbank die Zinsen erhöht?", "Wer ist der neue Kanzler?"),
    "es": ("¿Qué aceptó Putin?", "¿Quién ganó las elecciones en Brasil?", "¿Por qué cerraron el puente?",
           "¿Cuántas personas murieron en la inundación?", "¿Cuándo entra en vigor la nueva ley?",
           "¿Qué pasó en la cumbre la semana pasada?", "¿Va a dimitir el presidente?",
           "¿Qué empresa compró la aerolínea?", "¿Dónde golpeó el terremoto?", "¿Qué piden los huelguistas?",
           "¿Subió el banco central los tipos de interés?", "¿Quién es el nuevo primer ministro?"),
    "fr": ("Qu'a accepté Poutine ?", "Qui a gagné l'élection au Brésil ?", "Pourquoi le pont a-t-il fermé ?",
           "Combien de personnes sont mortes dans l'inondation ?", "Quand la nouvelle loi entre-t-elle en vigueur ?",
           "Que s'est-il passé au sommet la semaine dernière ?", "Le président va-t-il démissionner ?",
           "Quelle entreprise a racheté la compagnie aérienne ?", "Où le séisme a-t-il frappé ?",
           "Que demandent les grévistes ?", "La banque centrale a-t-elle relevé ses taux ?",
           "Qui est le nouveau Premier ministre ?"),
    "it": ("Cosa ha accettato Putin?", "Chi ha vinto le elezioni in Brasile?", "Perché hanno chiuso il ponte?",
           "Quante persone sono morte nell'alluvione?", "Quando entra in vigore la nuova legge?",
           "Cosa è successo al vertice la settimana scorsa?", "Il presidente si dimetterà?",
           "Quale azienda ha comprato la compagnia aerea?", "Dove ha colpito il terremoto?",
           "Cosa chiedono gli scioperanti?", "La banca centrale ha alzato i tassi?", "Chi è il nuovo primo ministro?"),
    "pt": ("O que Putin aceitou?", "Quem ganhou a eleição no Brasil?", "Por que fecharam a ponte?",
           "Quantas pessoas morreram na enchente?", "Quando a nova lei entra em vigor?",
           "O que aconteceu na cúpula na semana passada?", "O presidente vai renunciar?",
           "Qual empresa comprou a companhia aérea?", "Onde o terremoto atingiu?", "O que os grevistas pedem?",
           "O banco central aumentou os juros?", "Quem é o novo primeiro-ministro?"),
    "zh": ("普京同意了什么？", "谁赢得了巴西的选举？", "这座桥为什么关闭了？", "洪水中有多少人死亡？", "新法律什么时候生效？",
           "上周峰会发生了什么？", "总统会辞职吗？", "哪家公司收购了这家航空公司？", "地震发生在哪里？", "罢工者要求什么？",
           "央行加息了吗？", "新总理是谁？"),
}

# None expected: too short to tell, no letters, or a script newsbot has no templates for
EDGE: tuple[str, ...] = ("Putin?", "🔥🔥🔥", "👍", "?", "2024", "Что согласился сделать Путин?", "プーチンは何に同意したか",
                         "ماذا وافق بوتين؟", "NATO", "")

# two languages in one question: any answer is fine, as long as nothing fails
MIXED: tuple[str, ...] = ("What did Putin sagen about the Waffenstillstand?", "¿Qué dijo Macron about the tariffs?",
                          "Putin 同意了什么 deal?", "Le président said what?")

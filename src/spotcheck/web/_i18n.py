"""The patient web app's own interface texts, in English and Russian.

Medical texts (questions, answer options, triage levels, advice, causes)
come from the knowledge base's language packs (``engine.kb.text(lang)``);
this module holds only the words of the interface around them: page titles,
buttons, error messages, the emergency box.  ``Translator`` looks a key up
here first and then in the language pack's ``ui`` section, and raises
``KeyError`` for a key found in neither, so a missing translation fails the
page tests instead of showing an empty string.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["DEFAULT_LANG", "LANGS", "STRINGS", "Translator", "best_language", "plural", "with_unit"]

LANGS = ("en", "ru")
DEFAULT_LANG = "en"

# Each language's name written in that language (for the switcher).
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}

_EN: dict[str, str] = {
    "service_name": "Spotcheck",
    "tagline": "Bleeding after sex: what to do now",
    "skip_link": "Skip to main content",
    "language": "Language",
    "error_prefix": "Error: ",
    "footer_note": "Spotcheck gives information, not a diagnosis.",
    # the emergency box on every page
    "emergency_title": "Call an ambulance now",
    "emergency_lead": "Call 999 or 112 for an ambulance now if you:",
    "emergency_faint": "have fainted, or feel you are about to faint",
    "emergency_pad": "are soaking through a pad or more in an hour, or the blood is flowing",
    "emergency_pain": "have severe pain in your tummy, pelvis or genitals",
    "emergency_short": (
        "Call 999 or 112 now if you faint or feel about to faint, are soaking a pad or more "
        "in an hour, or have severe pain."
    ),
    # start page
    "start_title": "Bleeding after sex: check what to do",
    "start_lead": (
        "Spotcheck asks you questions about bleeding during or after sex, one at a time, "
        "and tells you how urgently to get help and what might be causing it."
    ),
    "start_who": (
        "It is for women and men: bleeding from the vagina, or blood from the penis or in semen."
    ),
    "start_does_heading": "What Spotcheck does",
    "start_does_1": "Asks about 15 to 30 short questions. You can answer “I don't know”.",
    "start_does_2": (
        "Tells you what to do now: from looking after yourself at home to calling an ambulance."
    ),
    "start_does_3": (
        "Shows the likely causes with the reasons for and against, and a summary you can "
        "show to a doctor or nurse."
    ),
    "start_not_heading": "What Spotcheck is not",
    "start_not_1": "It is not a diagnosis, and it does not replace a doctor or nurse.",
    "start_not_2": "Nobody from a health service sees your answers or will contact you.",
    "start_not_3": "It is for people aged 12 and over.",
    "start_privacy_heading": "Your answers",
    "start_privacy": (
        "We keep only your answers, never your name or address, and delete them after "
        "{days} {days_word}. You can delete them yourself at any time on the result page."
    ),
    "start_button": "Start now",
    "describe_link": "Or start by describing what happened in your own words",
    # questions
    "question_title": "Question {n}",
    "progress_label": "Progress",
    "progress_note": "The number of questions depends on your answers.",
    "continue": "Continue",
    "back": "Back",
    "back_nav": "Previous question",
    "or": "or",
    "number_hint": "Enter a number from {minimum} to {maximum}.",
    "number_label": "Your answer",
    "number_unknown": "I don't know",
    "your_answers": "Your answers so far",
    "check_answers": "Your answers",
    "change": "Change",
    "change_hidden": "your answer to: {question}",
    "answer_dont_know": "I don't know",
    "answer_none": "None of these",
    "answer_yes_list": "Yes: {items}",
    # errors in answers
    "error_summary_title": "There is a problem",
    "error_choose_one": "Choose an answer, or “I don't know”.",
    "error_choose_some": "Tick at least one box, or “None of these”, or “I don't know”.",
    "error_exclusive": (
        "“None of these” and “I don't know” cannot be ticked together with other answers."
    ),
    "error_number": "Enter a number from {minimum} to {maximum}, or choose “I don't know”.",
    "error_not_option": "That answer is not one of the choices. Please choose again.",
    "error_contradiction": (
        "This answer does not fit with one of your earlier answers. Check it, or change the "
        "earlier answer in the list below."
    ),
    "error_stale": "That page was out of date. This is your current question.",
    # result page
    "result_title": "Your result",
    "level_hidden": "Urgency",
    "what_to_do": "What to do now",
    "why_level": "Why we suggest this",
    "causes_intro": (
        "The causes that fit your answers best. The percentages are estimates based on your "
        "answers, not a diagnosis: only an examination can tell."
    ),
    "chance": "Estimated chance: {percent}",
    "no_reasons": "Nothing in your answers points strongly either way.",
    "must_not_miss_intro": "A doctor or nurse should make sure that these are not the cause:",
    "for_doctor_title": "Summary for your doctor or nurse",
    "for_doctor_intro": "Show this to a doctor or nurse, or print it.",
    "print": "Print this page",
    "download_fhir": "Download the summary for my doctor (FHIR file)",
    "download_fhir_hint": "A standard file that clinic computer systems can read.",
    "generated": "Made by Spotcheck on {date}",
    "forget_title": "Forget my answers",
    "forget_text": (
        "Delete your answers and this result from our server now. This cannot be undone."
    ),
    "forget_button": "Delete my answers",
    "forgotten_title": "Your answers have been deleted",
    "forgotten_text": "We have deleted your answers and your result. Their link no longer works.",
    "start_again": "Start a new check",
    # error pages
    "not_found_title": "We could not find these answers",
    "not_found_text": (
        "They may have been deleted, or they expired. Answers are kept for {days} {days_word} "
        "at most."
    ),
    "page_not_found_title": "Page not found",
    "page_not_found_text": "Check the address, or start a new check.",
    "forbidden_title": "Your form has expired",
    "forbidden_text": (
        "For your security, forms only work for a while. Go back, reload the page and try again."
    ),
    "error_title": "Sorry, something went wrong",
    "error_text": "Please try again in a few minutes.",
    # describing what happened (free text)
    "describe_title": "Describe what happened",
    "describe_label": "In your own words, what happened?",
    "describe_hint": (
        "For example: when the bleeding started, how much, whether you have pain, and "
        "anything else you think matters. Do not include your name or address."
    ),
    "describe_submit": "Continue",
    "describe_skip": "Skip this and answer questions instead",
    "parsed_title": "Is this right?",
    "parsed_unsure": "(you sounded unsure: tick it only if it is so)",
    "parsed_intro": (
        "This is what we understood. Untick anything that is wrong; the questions that follow "
        "will ask about the rest."
    ),
    "parsed_none": (
        "We could not pick out any details from your description. You can go back and add "
        "more, or continue with the questions."
    ),
    "parsed_use": "Use these and continue",
    "parsed_back": "Change my description",
    "error_describe_empty": "Describe what happened, or skip this step.",
    "error_describe_long": "Please keep your description under {limit} characters.",
    # the compact safety line during the interview
    "safety_line": (
        "If you faint, are soaking a pad an hour or have severe pain, call 999 or 112 now."
    ),
    # the care card
    "call_ambulance_number": "Call {number}",
    "call_111": "Call 111 if you cannot get an appointment today",
    "emergency_first": "Do this now. You can answer a few more questions afterwards.",
    "more_questions_heading": "For the doctors and nurses",
    "more_questions_text": (
        "Once you have called for help, you can answer a few more questions. The answers "
        "go into the summary you can show the doctors."
    ),
    "more_questions_button": "Answer a few more questions",
    "other_advice": "Also",
    "safety_net_heading_conditions": "When to get help sooner",
    "while_you_wait": "While you wait",
    "start_clinician": "I am a clinician",
    "start_clinician_hint": (
        "Also asks for examination findings, test results and measured vital signs."
    ),
    "unsure_heading": "Things you were not sure about",
    "unsure_intro": "Open one if it may apply to you.",
    "show_answers": "Show your answers and change them",
    "band_common": "Common with answers like yours",
    "band_possible": "Possible",
    "band_less_likely": "Less likely",
    "band_rule_out": "Rare, but must be ruled out",
    "freq_under_1": "fewer than 1 in 100 people with answers like yours",
    "freq_in_100": "about {n} in 100 people with answers like yours",
    "freq_in_10": "about {n} in 10 people with answers like yours",
    "freq_almost_all": "almost everyone with answers like yours",
    "how_likely": "How likely?",
    "why_cause": "Why",
    "causes_heading_plain": "What might be causing it",
    "causes_intro_plain": "Estimates from your answers, not a diagnosis.",
    "rule_out_heading": "Rare, but a doctor should rule out",
    "reason_yes_more": "You said yes to “{name}”, which makes this more likely.",
    "reason_no_more": "You said no to “{name}”, which makes this more likely.",
    "reason_yes_less": "You said yes to “{name}”, which makes this less likely.",
    "reason_no_less": "You said no to “{name}”, which makes this less likely.",
    "reason_value_more": "“{name}”: {value}. This makes it more likely.",
    "reason_value_less": "“{name}”: {value}. This makes it less likely.",
    "next_heading": "What happens next",
    "next_self_care": (
        "You do not need any tests now. If it happens again or does not settle, a doctor or "
        "nurse will ask about it and may examine you."
    ),
    "next_emergency": "In hospital, a doctor will check your pulse and blood pressure first.",
    "next_questions_exam": "A doctor or nurse will ask about the bleeding and may examine you.",
    "next_pregnancy_test": "A pregnancy test.",
    "next_speculum": (
        "A look at the neck of the womb (cervix) with a speculum, like a smear test."
    ),
    "next_swabs": "Swabs or a urine sample to test for infections such as chlamydia.",
    "next_urine": "A urine test.",
    "next_blood_test": "A blood test.",
    "next_ultrasound": "An ultrasound scan.",
    "next_colposcopy": "Possibly a closer look at the cervix with a magnifier (colposcopy).",
    "next_biopsy": "Possibly a small tissue sample (biopsy), which is quick.",
    "next_referral": "Possibly a referral to a specialist; if so, go, even if you feel well.",
    "doc_level": "Urgency",
    "doc_answers": "Answers",
    "doc_causes": "Likely causes (estimated)",
    "doc_rule_out": "To rule out",
    "doc_workup": "Suggested work-up",
    "doctor_details": "Show the summary for a doctor",
    # plain cause names (the medical term in brackets)
    "plain_cervical_cancer": "Cancer or pre-cancer of the cervix (CIN)",
    "plain_ovarian_cyst_rupture": "Burst ovarian cyst (ovarian apoplexy)",
    "plain_urethritis": "Inflamed urethra (urethritis)",
    "plain_endometrial_hyperplasia": "Thickened womb lining (endometrial hyperplasia)",
    "plain_cervical_ectropion": "Red patch on the cervix (cervical ectropion)",
    "plain_haematospermia": "Blood in the semen (haematospermia)",
    "plain_mycoplasma_genitalium": "Mycoplasma, a sexually transmitted infection",
    # honest progress
    "progress_left": "About {n} more {questions}",
    "progress_last": "A few more questions",
    "question_of_about": "Question {n}",
    # the back-to-result form
    "back_to_result": "Back to your result",
    # ages out of range
    "age_too_young": (
        "Spotcheck is for people aged 12 and over. A child under 12 with bleeding from the "
        "genitals should see a doctor today: call 111 or your GP now. If you are worried that "
        "someone has hurt the child, call 999 or the NSPCC on 0808 800 5000."
    ),
    "age_too_old": "Enter the age in years, from {minimum} to {maximum}.",
}

_RU: dict[str, str] = {
    "service_name": "Spotcheck",
    "tagline": "Кровотечение после секса: что делать сейчас",
    "skip_link": "Перейти к основному содержанию",
    "language": "Язык",
    "error_prefix": "Ошибка: ",
    "footer_note": "Spotcheck даёт информацию, а не ставит диагноз.",
    "emergency_title": "Вызовите скорую помощь",
    "emergency_lead": "Сразу звоните 103 или 112, если вы:",
    "emergency_faint": "потеряли сознание или чувствуете, что вот-вот его потеряете",
    "emergency_pad": "промокаете прокладку или больше за час, или кровь течёт струёй",
    "emergency_pain": "чувствуете сильную боль в животе, в тазу или в половых органах",
    "emergency_short": (
        "Сразу звоните 103 или 112, если теряете сознание или вот-вот его потеряете, "
        "промокаете прокладку или больше за час или чувствуете сильную боль."
    ),
    "start_title": "Кровотечение после секса: узнайте, что делать",
    "start_lead": (
        "Spotcheck задаёт вопросы о кровотечении во время или после секса, по одному, и "
        "подсказывает, насколько срочно нужна помощь и что может быть причиной."
    ),
    "start_who": (
        "Он для женщин и мужчин: кровотечение из влагалища, кровь из полового члена или в сперме."
    ),
    "start_does_heading": "Что делает Spotcheck",
    "start_does_1": "Задаёт примерно 15–30 коротких вопросов. Можно ответить «Не знаю».",
    "start_does_2": (
        "Подсказывает, что делать сейчас: от ухода за собой дома до вызова скорой помощи."
    ),
    "start_does_3": (
        "Показывает вероятные причины с доводами за и против и сводку, которую можно "
        "показать врачу."
    ),
    "start_not_heading": "Чем Spotcheck не является",
    "start_not_1": "Это не диагноз, и он не заменяет врача.",
    "start_not_2": "Ваши ответы не видит никто из медицинских служб, и с вами не свяжутся.",
    "start_not_3": "Он предназначен для людей от 12 лет.",
    "start_privacy_heading": "Ваши ответы",
    "start_privacy": (
        "Мы храним только ваши ответы, без имени и адреса, и удаляем их через {days} {days_word}. "
        "Вы можете удалить их сами в любой момент на странице результата."
    ),
    "start_button": "Начать",
    "describe_link": "Или начните с описания того, что произошло, своими словами",
    "question_title": "Вопрос {n}",
    "progress_label": "Ход опроса",
    "progress_note": "Число вопросов зависит от ваших ответов.",
    "continue": "Продолжить",
    "back": "Назад",
    "back_nav": "Предыдущий вопрос",
    "or": "или",
    "number_hint": "Введите число от {minimum} до {maximum}.",
    "number_label": "Ваш ответ",
    "number_unknown": "Не знаю",
    "your_answers": "Ваши ответы",
    "check_answers": "Ваши ответы",
    "change": "Изменить",
    "change_hidden": "ответ на вопрос: {question}",
    "answer_dont_know": "Не знаю",
    "answer_none": "Ничего из перечисленного",
    "answer_yes_list": "Да: {items}",
    "error_summary_title": "Есть проблема",
    "error_choose_one": "Выберите ответ или «Не знаю».",
    "error_choose_some": (
        "Отметьте хотя бы один вариант, или «Ничего из перечисленного», или «Не знаю»."
    ),
    "error_exclusive": (
        "«Ничего из перечисленного» и «Не знаю» нельзя отмечать вместе с другими ответами."
    ),
    "error_number": "Введите число от {minimum} до {maximum} или выберите «Не знаю».",
    "error_not_option": "Такого варианта ответа нет. Пожалуйста, выберите снова.",
    "error_contradiction": (
        "Этот ответ не согласуется с одним из ваших предыдущих ответов. Проверьте его или "
        "измените прежний ответ в списке ниже."
    ),
    "error_stale": "Та страница устарела. Вот ваш текущий вопрос.",
    "result_title": "Ваш результат",
    "level_hidden": "Срочность",
    "what_to_do": "Что делать сейчас",
    "why_level": "Почему мы это советуем",
    "causes_intro": (
        "Причины, которые лучше всего подходят к вашим ответам. Проценты — это оценка по "
        "вашим ответам, а не диагноз: точно скажет только осмотр."
    ),
    "chance": "Оценка вероятности: {percent}",
    "no_reasons": "В ваших ответах нет ничего, что сильно говорит за или против.",
    "must_not_miss_intro": "Врач должен убедиться, что причина не в этом:",
    "for_doctor_title": "Сводка для врача",
    "for_doctor_intro": "Покажите её врачу или распечатайте.",
    "print": "Распечатать страницу",
    "download_fhir": "Скачать сводку для врача (файл FHIR)",
    "download_fhir_hint": "Стандартный файл, который читают медицинские информационные системы.",
    "generated": "Составлено Spotcheck {date}",
    "forget_title": "Забыть мои ответы",
    "forget_text": "Удалить ваши ответы и этот результат с нашего сервера сейчас. Это необратимо.",
    "forget_button": "Удалить мои ответы",
    "forgotten_title": "Ваши ответы удалены",
    "forgotten_text": "Мы удалили ваши ответы и результат. Ссылка на них больше не работает.",
    "start_again": "Начать заново",
    "not_found_title": "Мы не нашли эти ответы",
    "not_found_text": (
        "Возможно, их удалили или истёк срок хранения. Ответы хранятся не дольше "
        "{days} {days_word}."
    ),
    "page_not_found_title": "Страница не найдена",
    "page_not_found_text": "Проверьте адрес или начните заново.",
    "forbidden_title": "Срок действия формы истёк",
    "forbidden_text": (
        "В целях безопасности формы действуют ограниченное время. Вернитесь назад, "
        "обновите страницу и попробуйте снова."
    ),
    "error_title": "Извините, что-то пошло не так",
    "error_text": "Пожалуйста, попробуйте ещё раз через несколько минут.",
    "describe_title": "Опишите, что произошло",
    "describe_label": "Что произошло? Опишите своими словами",
    "describe_hint": (
        "Например: когда началось кровотечение, насколько сильное, есть ли боль и всё, что "
        "вы считаете важным. Не указывайте имя и адрес."
    ),
    "describe_submit": "Продолжить",
    "describe_skip": "Пропустить и ответить на вопросы",
    "parsed_title": "Мы правильно поняли?",
    "parsed_unsure": "(вы написали неуверенно: отметьте, только если это так)",
    "parsed_intro": (
        "Вот что мы поняли. Снимите отметку с того, что неверно; об остальном спросим в "
        "следующих вопросах."
    ),
    "parsed_none": (
        "Нам не удалось выделить подробности из вашего описания. Можно вернуться и дополнить "
        "его или перейти к вопросам."
    ),
    "parsed_use": "Использовать и продолжить",
    "parsed_back": "Изменить описание",
    "error_describe_empty": "Опишите, что произошло, или пропустите этот шаг.",
    "error_describe_long": "Пожалуйста, уложитесь в {limit} символов.",
    "safety_line": (
        "Если теряете сознание, промокаете прокладку за час или боль сильная, сразу звоните "
        "103 или 112."
    ),
    "call_ambulance_number": "Позвонить {number}",
    "call_111": "Позвонить в дежурную поликлинику",
    "emergency_first": "Сделайте это сейчас. Ответить на другие вопросы можно потом.",
    "more_questions_heading": "Для врачей",
    "more_questions_text": (
        "Когда помощь вызвана, можно ответить ещё на несколько вопросов. Ответы попадут в "
        "сводку, которую можно показать врачам."
    ),
    "more_questions_button": "Ответить ещё на несколько вопросов",
    "other_advice": "Также",
    "safety_net_heading_conditions": "Когда обратиться за помощью раньше",
    "while_you_wait": "Пока ждёте помощь",
    "start_clinician": "Я врач",
    "start_clinician_hint": (
        "Дополнительно спросит данные осмотра, результаты анализов и измеренные показатели."
    ),
    "unsure_heading": "В чём вы не были уверены",
    "unsure_intro": "Откройте пункт, если это может быть про вас.",
    "show_answers": "Показать и изменить ваши ответы",
    "band_common": "Часто бывает при таких ответах",
    "band_possible": "Возможно",
    "band_less_likely": "Менее вероятно",
    "band_rule_out": "Редко, но нужно исключить",
    "freq_under_1": "меньше чем у 1 из 100 человек с похожими ответами",
    "freq_in_100": "примерно у {n} из 100 человек с похожими ответами",
    "freq_in_10": "примерно у {n} из 10 человек с похожими ответами",
    "freq_almost_all": "почти у всех с похожими ответами",
    "how_likely": "Насколько вероятно?",
    "why_cause": "Почему",
    "causes_heading_plain": "Что может быть причиной",
    "causes_intro_plain": "Оценка по вашим ответам, а не диагноз.",
    "rule_out_heading": "Редко, но врач должен исключить",
    "reason_yes_more": "Вы ответили «да» на вопрос «{name}», и это делает причину вероятнее.",
    "reason_no_more": "Вы ответили «нет» на вопрос «{name}», и это делает причину вероятнее.",
    "reason_yes_less": "Вы ответили «да» на вопрос «{name}», и это делает причину менее вероятной.",
    "reason_no_less": "Вы ответили «нет» на вопрос «{name}», и это делает причину менее вероятной.",
    "reason_value_more": "«{name}»: {value}. Это делает причину вероятнее.",
    "reason_value_less": "«{name}»: {value}. Это делает причину менее вероятной.",
    "next_heading": "Что будет дальше",
    "next_self_care": (
        "Сейчас обследование не нужно. Если это повторится или не пройдёт, врач расспросит "
        "вас и, возможно, осмотрит."
    ),
    "next_emergency": "В больнице врач сначала проверит пульс и давление.",
    "next_questions_exam": "Врач расспросит о кровотечении и, возможно, осмотрит вас.",
    "next_pregnancy_test": "Тест на беременность.",
    "next_speculum": "Осмотр шейки матки в зеркалах, как при взятии мазка.",
    "next_swabs": "Мазок или анализ мочи на инфекции, например на хламидии.",
    "next_urine": "Анализ мочи.",
    "next_blood_test": "Анализ крови.",
    "next_ultrasound": "УЗИ.",
    "next_colposcopy": "Возможно, осмотр шейки матки под увеличением (кольпоскопия).",
    "next_biopsy": "Возможно, взятие маленького кусочка ткани (биопсия) — это быстро.",
    "next_referral": (
        "Возможно, направление к узкому специалисту; если его дадут, сходите, даже если "
        "чувствуете себя хорошо."
    ),
    "doc_level": "Срочность",
    "doc_answers": "Ответы",
    "doc_causes": "Вероятные причины (оценка)",
    "doc_rule_out": "Исключить",
    "doc_workup": "Предлагаемое обследование",
    "doctor_details": "Показать сводку для врача",
    "plain_cervical_cancer": "Рак или предрак шейки матки (CIN)",
    "plain_ovarian_cyst_rupture": "Разрыв кисты яичника (апоплексия яичника)",
    "plain_urethritis": "Воспаление мочеиспускательного канала (уретрит)",
    "plain_endometrial_hyperplasia": "Утолщение слизистой матки (гиперплазия эндометрия)",
    "plain_cervical_ectropion": "Эктропион шейки матки («эрозия»)",
    "plain_haematospermia": "Кровь в сперме (гемоспермия)",
    "plain_mycoplasma_genitalium": "Микоплазма — инфекция, передающаяся половым путём",
    "progress_left": "Осталось примерно {n} {questions}",
    "progress_last": "Ещё несколько вопросов",
    "question_of_about": "Вопрос {n}",
    "back_to_result": "Вернуться к результату",
    "age_too_young": (
        "Spotcheck предназначен для людей от 12 лет. Ребёнка младше 12 лет с кровотечением "
        "из половых органов нужно сегодня показать врачу: обратитесь к педиатру или "
        "вызовите врача на дом. Если вы опасаетесь, что ребёнку причинили вред, звоните 112 "
        "или на детский телефон доверия 8-800-2000-122."
    ),
    "age_too_old": "Введите возраст в годах, от {minimum} до {maximum}.",
}

STRINGS: dict[str, dict[str, str]] = {"en": _EN, "ru": _RU}


@dataclass(frozen=True)
class Translator:
    """``t("key", n=3)``: the interface text in one language, formatted."""

    lang: str
    ui: Mapping[str, str]  # the knowledge base's ``ui`` texts for this language

    def __call__(self, key: str, /, **values: object) -> str:
        text = STRINGS[self.lang].get(key)
        if text is None:
            text = self.ui[key]  # KeyError: no translation anywhere (tests catch it)
        return text.format(**values) if values else text

    def plural(self, n: float, word: str) -> str:
        """``word`` agreeing with ``n`` in this language (see :func:`plural`)."""
        return plural(self.lang, n, word)


# Word forms for numbers: English (one, other); Russian (one, few, many), CLDR rules.
_FORMS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "year": ("year", "years"),
        "week": ("week", "weeks"),
        "day": ("day", "days"),
        "hour": ("hour", "hours"),
        "episode": ("episode", "episodes"),
        "question": ("question", "questions"),
    },
    "ru": {
        "year": ("год", "года", "лет"),
        "week": ("неделя", "недели", "недель"),
        "day": ("день", "дня", "дней"),
        "hour": ("час", "часа", "часов"),
        "episode": ("раз", "раза", "раз"),
        "question": ("вопрос", "вопроса", "вопросов"),
    },
}
# The knowledge base's unit hints, as the word whose forms are above.
_UNIT_WORDS = {
    "years": "year",
    "weeks": "week",
    "days": "day",
    "hours": "hour",
    "episodes": "episode",
    "лет": "year",
    "недель": "week",
    "дней": "day",
    "часов": "hour",
    "раз": "episode",
}


def plural(lang: str, n: float, word: str) -> str:
    """``word`` in the form that agrees with ``n``.

    >>> plural("ru", 21, "year"), plural("ru", 22, "year"), plural("ru", 25, "year")
    ('год', 'года', 'лет')
    >>> plural("en", 1, "week"), plural("ru", 2, "week"), plural("ru", 11, "day")
    ('week', 'недели', 'дней')
    """
    forms = _FORMS.get(lang, _FORMS["en"])[word]
    if n != int(n):  # fractions: "1.5 weeks", "1,5 недели"
        return forms[-1] if lang == "en" else forms[1]
    k = abs(int(n))
    if lang != "ru":
        return forms[0] if k == 1 else forms[1]
    if k % 10 == 1 and k % 100 != 11:
        return forms[0]
    if 2 <= k % 10 <= 4 and not 12 <= k % 100 <= 14:
        return forms[1]
    return forms[2]


def with_unit(lang: str, value: float, unit: str) -> str:
    """A number with its unit in the agreeing form: "21 год", "1 week", "38.5 °C"."""
    number = f"{value:g}"
    if lang == "ru":
        number = number.replace(".", ",")
    word = _UNIT_WORDS.get(unit)
    shown = plural(lang, value, word) if word else unit
    return f"{number} {shown}".rstrip()


def best_language(accept_language: str | None) -> str:
    """The supported language a browser prefers most (``Accept-Language``), else English.

    >>> best_language("ru-RU,ru;q=0.9,en-US;q=0.8")
    'ru'
    >>> best_language("de-DE, en;q=0.5, ru;q=0.7")
    'ru'
    >>> best_language(None)
    'en'
    """
    best, best_q = DEFAULT_LANG, 0.0
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGS:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        # Earlier entries win ties, as browsers list them in order of preference.
        score = quality - position * 1e-6
        if score > best_q:
            best, best_q = primary, score
    return best

"""Text pools for synthetic contacts and their notes: short, plain case-management language that
names no one (the client is "the client", places are generic), so any mix reads plausibly."""

# What a contact was for, by contact type (the "purpose" shown in lists).
PURPOSES = {
    "face_to_face": [
        "Weekly check-in",
        "Housing search",
        "Benefits appointment",
        "Medication check",
        "Grocery shopping",
        "Transport to clinic",
        "Budgeting session",
        "Apartment inspection prep",
        "Court accompaniment",
        "Crisis follow-up",
        "Care plan review",
        "Primary care visit",
        "Pharmacy pickup",
        "ID and documents",
        "Employment program intake",
    ],
    "phone": [
        "Check-in call",
        "Appointment reminder",
        "Follow-up on benefits",
        "Medication reminder",
        "Housing application update",
        "Scheduling next visit",
    ],
    "video": ["Check-in by video", "Telehealth prep", "Care plan review by video"],
    "text": ["Appointment reminder", "Check-in text", "Sent bus schedule", "Confirmed visit time"],
    "collateral": [
        "Call with landlord",
        "Coordination with psychiatrist",
        "Call with probation officer",
        "Benefits office follow-up",
        "Update from family member",
        "Hospital discharge planning",
        "Shelter staff coordination",
    ],
    "attempted": [
        "No answer at door",
        "Not at usual spot",
        "No answer by phone",
        "Missed appointment",
        "Outreach attempt",
    ],
}
HOSPITAL_PURPOSES = ["Hospital visit", "Discharge planning at hospital", "Visit on inpatient unit"]
JAIL_PURPOSES = ["Jail visit", "Release planning at jail", "Visit before court date"]
CANCELLED_PURPOSES = ["Client cancelled", "Rescheduled by client", "Staff illness, rescheduled"]
COLLATERAL_PARTICIPANTS = [
    "Landlord",
    "Psychiatrist's office",
    "Probation officer",
    "Benefits caseworker",
    "Sister",
    "Shelter staff",
    "Hospital social worker",
    "Pharmacist",
]
FACE_TO_FACE_PARTICIPANTS = ["", "", "", "", "Peer specialist", "Nurse", "Family member"]

# DAP: data, assessment, plan.
DATA = [
    "Met with the client at the agreed time; the client was on time and ready to go.",
    "Client reported sleeping better this week and eating two meals a day.",
    "Client said money ran out before the end of the month again.",
    "Reviewed the housing application together; two documents are still missing.",
    "Client reported taking medication as prescribed most days this week.",
    "Client said they missed two doses after the pharmacy changed their hours.",
    "Went with the client to the benefits office; the application was accepted.",
    "Client shared that a neighbour has been helping with groceries.",
    "Client described feeling anxious about the upcoming court date.",
    "Apartment was tidy; the fridge had food and the heating was working.",
    "Client reported a conflict with the landlord about a late rent payment.",
    "Client attended the primary care appointment and got a new prescription.",
    "Client talked about wanting to reconnect with family.",
    "Client reported using less alcohol this week than last.",
    "Client was hard to engage at first but talked more once we went for a walk.",
    "Client brought the mail they had not opened; we sorted it together.",
    "Client reported a fall last week; no injury but some pain in one knee.",
    "Client asked for help finding a food pantry closer to home.",
    "Client completed the budget worksheet with some help.",
    "Client said voices were quieter since the medication change.",
    "Met the client at the day centre; they had showered and changed clothes.",
    "Client reported the bus pass expired and they missed a clinic visit.",
]
ASSESSMENT = [
    "Client appears stable and engaged with the plan.",
    "Housing remains the main barrier; motivation is good.",
    "Mood seems lower than at the last visit; no safety concerns voiced.",
    "Medication adherence is improving with the weekly pill organiser.",
    "Client is making progress on the budgeting goal.",
    "Risk of eviction is moderate until the rent arrears are paid.",
    "Client is managing daily tasks with minimal support.",
    "Substance use appears to be decreasing; client credits the group meetings.",
    "Client would benefit from more frequent contact during this period.",
    "Food insecurity is a current need.",
    "No immediate safety concerns observed.",
    "Client is showing good insight into early warning signs.",
    "Transport is a barrier to attending appointments.",
    "Client's natural supports are a clear strength right now.",
    "Stress around the court date may affect engagement this week.",
    "Physical health needs follow-up with primary care.",
    "Client is ready to take on more of the housing search independently.",
    "Engagement has been inconsistent; will try shorter, more frequent visits.",
    "Benefits income is now stable, which lowers the pressure on rent.",
    "Client seems isolated; social connection is worth adding to the plan.",
]
PLAN = [
    "Next home visit next week.",
    "Case manager will call the landlord before Friday.",
    "Client will bring the missing documents to the next visit.",
    "Follow up with the pharmacy about refill timing.",
    "Arrange transport for the clinic appointment.",
    "Review the budget together at the next visit.",
    "Case manager will submit the housing application this week.",
    "Client will attend the group meeting on Wednesday.",
    "Call the client in two days to check in.",
    "Request a food voucher at the team meeting.",
    "Discuss the medication concerns with the prescriber.",
    "Accompany the client to court.",
    "Help the client renew the bus pass.",
    "Schedule a care plan review within two weeks.",
    "Connect the client with the peer support group.",
    "Check on the benefits decision next week.",
    "Continue weekly visits and phone check-ins between them.",
    "Client will keep a sleep log until the next visit.",
    "Share the crisis line number again and update the safety plan.",
    "Look at two apartment listings together next visit.",
]
# SOAP adds subjective / objective; GIRP adds goal / intervention / response.
SUBJECTIVE = [
    "Client said this has been a better week.",
    "Client reported feeling tired and unmotivated.",
    "Client said they are worried about paying rent.",
    "Client reported no problems with the new medication.",
    "Client said they want to look for part-time work.",
    "Client described trouble sleeping most nights.",
    "Client said a family visit went well.",
    "Client reported feeling overwhelmed by paperwork.",
]
OBJECTIVE = [
    "Client was alert, well groomed, and on time.",
    "Client appeared tired; speech was slow but clear.",
    "Home was clean; food in the fridge.",
    "Pill organiser was filled correctly for the week.",
    "Client was calm and made good eye contact.",
    "Client arrived late and seemed distracted.",
    "Client had the documents ready in a folder.",
    "Client was pacing and spoke quickly at first.",
]
GOAL = [
    "Keep current housing.",
    "Take medication as prescribed.",
    "Build a monthly budget.",
    "Reconnect with family.",
    "Attend primary care appointments.",
    "Find part-time work.",
    "Reduce alcohol use.",
    "Apply for disability benefits.",
]
INTERVENTION = [
    "Reviewed the budget and bills together.",
    "Practised the phone call to the landlord.",
    "Drove the client to the clinic and waited.",
    "Helped fill in the benefits form.",
    "Used motivational interviewing around the goal.",
    "Went grocery shopping with a set list.",
    "Set up phone reminders for medication.",
    "Looked at job listings online together.",
]
RESPONSE = [
    "Client was engaged and asked good questions.",
    "Client completed most of the task with little help.",
    "Client was hesitant but agreed to try.",
    "Client said the reminders are helping.",
    "Client became frustrated; we took a break and finished later.",
    "Client was proud of the progress.",
    "Client agreed to the next step.",
    "Client wanted more time to think about it.",
]
FREE = [
    "Brief check-in. Client is doing well; no new needs. Next visit as planned.",
    "Reminded the client of the appointment tomorrow; client confirmed.",
    "Client asked to move the visit to next week; agreed.",
    "Spoke with the client about the bus schedule; sent the times by text.",
    "Client doing okay. Will follow up on the benefits letter next visit.",
    "Quick call; client had the groceries delivered and is fine for the week.",
]
ATTEMPTED_NOTES = [
    "Knocked, no answer. Left a card with the office number.",
    "Client not at the usual spot by the library. Will try again tomorrow.",
    "Called twice, no answer; left a voicemail.",
    "Client did not come to the office appointment. Will try a home visit.",
    "Checked the shelter; client had left in the morning. Left a message with staff.",
]
AMENDMENTS = [
    (
        "Correction: the follow-up appointment is on Thursday, not Tuesday.",
        "Wrong day in the plan",
    ),
    (
        "Addition: the client also asked for help with the phone bill; added to the plan.",
        "Left out of the original note",
    ),
    (
        "Correction: the medication was picked up at the hospital pharmacy, not the usual one.",
        "Wrong pharmacy recorded",
    ),
    ("Addition: the landlord confirmed the payment plan by email after the visit.", "New detail"),
]

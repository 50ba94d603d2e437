"""Prototypes of job-ad boilerplate: sentences about the employer, benefits, pay, process and equality.

These are written generically (not taken from any evaluation set). A sentence whose embedding is
closer to one of them than ``BOILERPLATE_SIMILARITY`` carries no skill requirement, and extraction
skips it unless it names a skill almost verbatim.
"""

__all__ = ["BOILERPLATE_PROTOTYPES"]

BOILERPLATE_PROTOTYPES = (
    "We offer a competitive salary and benefits package.",
    "Benefits include health insurance, a pension plan and paid holidays.",
    "You will receive 25 days of annual leave plus bank holidays.",
    "We offer flexible working hours and the option to work from home.",
    "The salary range for this position is 40,000 to 50,000 per year.",
    "This is a full-time, permanent position based in our city centre office.",
    "We are an equal opportunity employer and welcome applications from all backgrounds.",
    "We value diversity and do not discriminate on the basis of race, gender, religion, age or disability.",
    "To apply, please send your CV and cover letter by the closing date.",
    "Only shortlisted candidates will be contacted for an interview.",
    "Our company is a leading provider of solutions with offices around the world.",
    "Founded twenty years ago, we are a fast-growing, family-owned business.",
    "Join our friendly and supportive team in a modern office with free coffee and snacks.",
    "We offer career development opportunities, training and a generous bonus scheme.",
    "The role is subject to a background check and proof of the right to work.",
    "Reasonable adjustments are available throughout the recruitment process.",
    "Free parking is available on site and the office is close to public transport.",
    "Employee discounts, a cycle-to-work scheme and a company car are included.",
    "Start date: as soon as possible. Contract type: fixed term, 12 months.",
    "Our mission is to make a positive impact on our customers and communities.",
)

package check

// icd10Names are the ICD-10-CM descriptions (code set of FY2026, CMS) of
// the diagnosis codes most often seen on massage, physical therapy and
// chiropractic claims: the packet's cover prints them beside the codes.
var icd10Names = map[string]string{
	"M5450":   "Low back pain, unspecified",
	"M5451":   "Vertebrogenic low back pain",
	"M5459":   "Other low back pain",
	"M542":    "Cervicalgia",
	"M546":    "Pain in thoracic spine",
	"M5430":   "Sciatica, unspecified side",
	"M5431":   "Sciatica, right side",
	"M5432":   "Sciatica, left side",
	"M5440":   "Lumbago with sciatica, unspecified side",
	"M5441":   "Lumbago with sciatica, right side",
	"M5442":   "Lumbago with sciatica, left side",
	"M62830":  "Muscle spasm of back",
	"M62831":  "Muscle spasm of calf",
	"M62838":  "Other muscle spasm",
	"M7910":   "Myalgia, unspecified site",
	"M7918":   "Myalgia, other site",
	"M797":    "Fibromyalgia",
	"M25511":  "Pain in right shoulder",
	"M25512":  "Pain in left shoulder",
	"M9901":   "Segmental and somatic dysfunction of cervical region",
	"M9902":   "Segmental and somatic dysfunction of thoracic region",
	"M9903":   "Segmental and somatic dysfunction of lumbar region",
	"S134XXA": "Sprain of ligaments of cervical spine, initial encounter",
	"S161XXA": "Strain of muscle, fascia and tendon at neck level, initial encounter",
	"S335XXA": "Sprain of ligaments of lumbar spine, initial encounter",
	"S39012A": "Strain of muscle, fascia and tendon of lower back, initial encounter",
	"G44209":  "Tension-type headache, unspecified, not intractable",
}

// ICD10Name returns the description of a diagnosis code the vault knows
// ("Low back pain, unspecified" for M54.50), or "".
func ICD10Name(code string) string { return icd10Names[normICD10(code)] }

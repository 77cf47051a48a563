package packet

import "encoding/binary"

// Orientation values of the EXIF Orientation tag (0x0112): how the stored
// pixels must be turned to show the photo upright. 1 is upright; 2, 4, 5
// and 7 are mirrored; 3 is turned 180°, 6 needs turning 90° clockwise, 8
// 90° counter-clockwise.
const (
	orientUpright = 1
	orientMax     = 8
)

// jpegOrientation returns the EXIF orientation of a JPEG file, read from
// its APP1 "Exif" segment, or 1 when there is none or it cannot be read.
// It reads only the markers before the image data (SOS) and never more
// than the bytes given.
func jpegOrientation(b []byte) int {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return orientUpright
	}
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			return orientUpright
		}
		marker := b[i+1]
		switch {
		case marker == 0xFF: // fill byte
			i++
			continue
		case marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7):
			i += 2 // markers without a length
			continue
		case marker == 0xDA || marker == 0xD9: // start of scan, end of image
			return orientUpright
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return orientUpright
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			if o := tiffOrientation(seg[6:]); o != 0 {
				return o
			}
		}
		i += 2 + n
	}
	return orientUpright
}

// pngOrientation returns the orientation of a PNG file's eXIf chunk (the
// same TIFF structure as in JPEG), or 1.
func pngOrientation(b []byte) int {
	const sig = "\x89PNG\r\n\x1a\n"
	if len(b) < len(sig) || string(b[:len(sig)]) != sig {
		return orientUpright
	}
	i := len(sig)
	for i+8 <= len(b) {
		n := int(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		if n < 0 || n > len(b)-i-12 {
			return orientUpright
		}
		switch typ {
		case "eXIf":
			if o := tiffOrientation(b[i+8 : i+8+n]); o != 0 {
				return o
			}
			return orientUpright
		case "IDAT", "IEND":
			return orientUpright // eXIf must come before the image data
		}
		i += 12 + n
	}
	return orientUpright
}

// tiffOrientation reads the Orientation tag from the first IFD of a TIFF
// structure ("II*\0" or "MM\0*"); 0 when absent or malformed.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 0
	}
	off := bo.Uint32(t[4:])
	if off < 8 || uint64(off)+2 > uint64(len(t)) {
		return 0
	}
	count := int(bo.Uint16(t[off:]))
	p := int(off) + 2
	for k := 0; k < count; k++ {
		if p+12 > len(t) {
			return 0
		}
		e := t[p : p+12]
		// Tag 0x0112, type SHORT (3), count 1: the value is in the
		// first two bytes of the value field.
		if bo.Uint16(e[0:]) == 0x0112 {
			if bo.Uint16(e[2:]) != 3 || bo.Uint32(e[4:]) != 1 {
				return 0
			}
			o := int(bo.Uint16(e[8:]))
			if o < orientUpright || o > orientMax {
				return 0
			}
			return o
		}
		p += 12
	}
	return 0
}

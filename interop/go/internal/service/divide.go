package service

import "fmt"

// MaxDivideParts is the largest num DivideStream accepts.
const MaxDivideParts = 100000

// DivideParts returns the adds DivideStream sends for Sum{sum, num}: an empty
// part, num parts splitting sum as evenly as possible (the first |sum % num|
// parts get one extra unit in the direction of sum's sign) and another empty
// part. See interop/proto/ttrpc/integration/streaming/test.proto.
func DivideParts(sum, num int32) ([]int32, error) {
	switch {
	case num < 0 || num > MaxDivideParts:
		return nil, fmt.Errorf("num %d out of range [0, %d]", num, MaxDivideParts)
	case num == 0 && sum != 0:
		return nil, fmt.Errorf("cannot divide %d into 0 parts", sum)
	}
	adds := make([]int32, 0, num+2)
	adds = append(adds, 0)
	if num > 0 {
		q, r := sum/num, sum%num
		step := int32(1)
		if r < 0 {
			step, r = -1, -r
		}
		for i := int32(0); i < num; i++ {
			if i < r {
				adds = append(adds, q+step)
			} else {
				adds = append(adds, q)
			}
		}
	}
	return append(adds, 0), nil
}

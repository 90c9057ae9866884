"""A small real video for upload tests: H.264 in MP4, written here byte by byte (no ffmpeg).

The stream is Constrained Baseline H.264: an IDR picture whose macroblocks are I_PCM (raw
samples, so no transform or entropy coder is needed), then P pictures that skip every
macroblock. Any H.264 decoder plays it; Debian's Chromium does. The MP4 around it has one
video track with its moov before mdat, so a browser can start from the first bytes.
"""

from __future__ import annotations

import struct

MB = 16  # macroblock size in luma samples


class _Bits:
    """An H.264 RBSP writer: fixed-width and Exp-Golomb codes."""

    def __init__(self) -> None:
        self.bits: list[int] = []

    def u(self, width: int, value: int) -> None:
        self.bits += [(value >> shift) & 1 for shift in range(width - 1, -1, -1)]

    def ue(self, value: int) -> None:
        code = value + 1
        self.u(2 * code.bit_length() - 1, code)

    def se(self, value: int) -> None:
        self.ue(2 * value - 1 if value > 0 else -2 * value)

    def align_zero(self) -> None:
        while len(self.bits) % 8:
            self.bits.append(0)

    def raw(self, data: bytes) -> None:
        for byte in data:
            self.u(8, byte)

    def trailing(self) -> bytes:
        self.bits.append(1)
        self.align_zero()
        return bytes(
            int("".join(map(str, self.bits[i : i + 8])), 2) for i in range(0, len(self.bits), 8)
        )


def _nal(ref_idc: int, nal_type: int, rbsp: bytes) -> bytes:
    """A NAL unit: header byte, then the RBSP with emulation-prevention bytes inserted."""
    out = bytearray([(ref_idc << 5) | nal_type])
    zeros = 0
    for byte in rbsp:
        if zeros >= 2 and byte <= 3:
            out.append(3)
            zeros = 0
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


LOG2_MAX_FRAME_NUM = 8


def _sps(width: int, height: int) -> bytes:
    bits = _Bits()
    bits.u(8, 66)  # profile_idc: Baseline
    bits.u(8, 0xC0)  # constraint_set0 and set1: Constrained Baseline
    bits.u(8, 30)  # level 3.0
    bits.ue(0)  # seq_parameter_set_id
    bits.ue(LOG2_MAX_FRAME_NUM - 4)
    bits.ue(2)  # pic_order_cnt_type 2: output order is decoding order
    bits.ue(1)  # max_num_ref_frames
    bits.u(1, 0)  # gaps_in_frame_num_value_allowed_flag
    bits.ue(width // MB - 1)
    bits.ue(height // MB - 1)
    bits.u(1, 1)  # frame_mbs_only_flag
    bits.u(1, 1)  # direct_8x8_inference_flag
    bits.u(1, 0)  # frame_cropping_flag
    bits.u(1, 0)  # vui_parameters_present_flag
    return _nal(3, 7, bits.trailing())


def _pps() -> bytes:
    bits = _Bits()
    bits.ue(0)  # pic_parameter_set_id
    bits.ue(0)  # seq_parameter_set_id
    bits.u(1, 0)  # entropy_coding_mode_flag: CAVLC
    bits.u(1, 0)  # bottom_field_pic_order_in_frame_present_flag
    bits.ue(0)  # num_slice_groups_minus1
    bits.ue(0)  # num_ref_idx_l0_default_active_minus1
    bits.ue(0)  # num_ref_idx_l1_default_active_minus1
    bits.u(1, 0)  # weighted_pred_flag
    bits.u(2, 0)  # weighted_bipred_idc
    bits.se(0)  # pic_init_qp_minus26
    bits.se(0)  # pic_init_qs_minus26
    bits.se(0)  # chroma_qp_index_offset
    bits.u(1, 0)  # deblocking_filter_control_present_flag
    bits.u(1, 0)  # constrained_intra_pred_flag
    bits.u(1, 0)  # redundant_pic_cnt_present_flag
    return _nal(3, 8, bits.trailing())


def _idr_picture(width: int, height: int) -> bytes:
    """Every macroblock I_PCM: a left-to-right grey ramp, chroma a calm blue."""
    bits = _Bits()
    bits.ue(0)  # first_mb_in_slice
    bits.ue(7)  # slice_type: I (all slices)
    bits.ue(0)  # pic_parameter_set_id
    bits.u(LOG2_MAX_FRAME_NUM, 0)  # frame_num
    bits.ue(0)  # idr_pic_id
    bits.u(1, 0)  # no_output_of_prior_pics_flag
    bits.u(1, 0)  # long_term_reference_flag
    bits.se(0)  # slice_qp_delta
    columns = width // MB
    for index in range(columns * (height // MB)):
        bits.ue(25)  # mb_type I_PCM
        bits.align_zero()
        shade = 40 + (180 * (index % columns)) // max(1, columns - 1)
        bits.raw(bytes([shade]) * (MB * MB))  # luma, never 0
        bits.raw(bytes([150]) * 64 + bytes([110]) * 64)  # Cb, Cr
    return _nal(3, 5, bits.trailing())


def _skipped_picture(frame_num: int, macroblocks: int) -> bytes:
    """A P picture that repeats the previous one (every macroblock skipped)."""
    bits = _Bits()
    bits.ue(0)  # first_mb_in_slice
    bits.ue(5)  # slice_type: P (all slices)
    bits.ue(0)  # pic_parameter_set_id
    bits.u(LOG2_MAX_FRAME_NUM, frame_num % (1 << LOG2_MAX_FRAME_NUM))
    bits.u(1, 0)  # num_ref_idx_active_override_flag
    bits.u(1, 0)  # ref_pic_list_modification_flag_l0
    bits.u(1, 0)  # adaptive_ref_pic_marking_mode_flag
    bits.se(0)  # slice_qp_delta
    bits.ue(macroblocks)  # mb_skip_run: all of them
    return _nal(2, 1, bits.trailing())


def _box(kind: bytes, *parts: bytes) -> bytes:
    body = b"".join(parts)
    return struct.pack(">I", 8 + len(body)) + kind + body


def _full_box(kind: bytes, version: int, flags: int, *parts: bytes) -> bytes:
    return _box(kind, struct.pack(">I", (version << 24) | flags), *parts)


MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


def _sample_table(
    sps: bytes, pps: bytes, width: int, height: int, samples: list[bytes], delta: int, offset: int
) -> bytes:
    avcc = _box(
        b"avcC",
        bytes([1, sps[1], sps[2], sps[3], 0xFF, 0xE1]),
        struct.pack(">H", len(sps)) + sps,
        bytes([1]) + struct.pack(">H", len(pps)) + pps,
    )
    avc1 = _box(
        b"avc1",
        bytes(6) + struct.pack(">H", 1),  # reserved, data_reference_index
        bytes(16),  # pre_defined and reserved
        struct.pack(">HHIIIH", width, height, 0x480000, 0x480000, 0, 1),
        bytes(32),  # compressorname
        struct.pack(">Hh", 0x18, -1),
        avcc,
    )
    return _box(
        b"stbl",
        _full_box(b"stsd", 0, 0, struct.pack(">I", 1), avc1),
        _full_box(b"stts", 0, 0, struct.pack(">III", 1, len(samples), delta)),
        _full_box(b"stss", 0, 0, struct.pack(">II", 1, 1)),
        _full_box(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, len(samples), 1)),
        _full_box(
            b"stsz",
            0,
            0,
            struct.pack(">II", 0, len(samples)),
            b"".join(struct.pack(">I", len(sample)) for sample in samples),
        ),
        _full_box(b"stco", 0, 0, struct.pack(">II", 1, offset)),
    )


def tiny_mp4(seconds: int = 3, fps: int = 10, width: int = 64, height: int = 48) -> bytes:
    """A playable H.264/MP4 video of `seconds` seconds, a few kilobytes."""
    if width % MB or height % MB:
        raise ValueError("width and height must be multiples of 16")
    sps, pps = _sps(width, height), _pps()
    macroblocks = (width // MB) * (height // MB)
    pictures = [_idr_picture(width, height)] + [
        _skipped_picture(number, macroblocks) for number in range(1, seconds * fps)
    ]
    samples = [struct.pack(">I", len(nal)) + nal for nal in pictures]
    timescale, delta = 1000 * fps, 1000
    duration = len(samples) * delta
    duration_ms = duration * 1000 // timescale
    ftyp = _box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isomiso2avc1mp41")

    def moov(offset: int) -> bytes:
        return _box(
            b"moov",
            _full_box(
                b"mvhd",
                0,
                0,
                struct.pack(">IIII", 0, 0, 1000, duration_ms),
                struct.pack(">IH", 0x10000, 0x100),
                bytes(10),
                MATRIX,
                bytes(24),
                struct.pack(">I", 2),
            ),
            _box(
                b"trak",
                _full_box(
                    b"tkhd",
                    0,
                    3,
                    struct.pack(">IIIII", 0, 0, 1, 0, duration_ms),
                    bytes(8),
                    struct.pack(">hhhH", 0, 0, 0, 0),
                    MATRIX,
                    struct.pack(">II", width << 16, height << 16),
                ),
                _box(
                    b"mdia",
                    _full_box(
                        b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, timescale, duration, 0x55C4, 0)
                    ),
                    _full_box(b"hdlr", 0, 0, bytes(4), b"vide", bytes(12), b"Video\x00"),
                    _box(
                        b"minf",
                        _full_box(b"vmhd", 0, 1, bytes(8)),
                        _box(
                            b"dinf",
                            _full_box(
                                b"dref", 0, 0, struct.pack(">I", 1), _full_box(b"url ", 0, 1)
                            ),
                        ),
                        _sample_table(sps, pps, width, height, samples, delta, offset),
                    ),
                ),
            ),
        )

    header_size = len(ftyp) + len(moov(0)) + 8  # the offset's own size never changes
    mdat = _box(b"mdat", *samples)
    return ftyp + moov(header_size) + mdat
